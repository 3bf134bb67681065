package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.tck.SecretsAdapterCompatibilityKit;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets adapter contract, unchanged, on one simulated cluster (a fabric8 mock API server in CRUD mode). Each
 * test's folder is a namespace of its own.
 */
class KubernetesSecretsCompatibilityTest extends SecretsAdapterCompatibilityKit {
    private static SimulatedFleet sim;
    private static Path kubeconfig;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSimulation() {
        sim = SimulatedFleet.builder().cluster("secrets").start();
        kubeconfig = SimulatedSecrets.kubeconfig(sim, dir);
    }

    @AfterAll
    static void stopSimulation() {
        if (sim != null) {
            sim.close();
        }
    }

    @Override
    protected SecretsAdapter createAdapter() {
        return SimulatedSecrets.adapter("k8s", kubeconfig, "secrets");
    }

    @Override
    protected Set<SecretsCapability> capabilities() {
        return new KubernetesSecretsProvider().capabilities();
    }

    @Override
    protected String folder() {
        return run;
    }
}
