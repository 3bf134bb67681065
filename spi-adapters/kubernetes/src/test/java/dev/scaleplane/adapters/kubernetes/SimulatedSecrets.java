package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.TestProviderContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Kubernetes Secrets adapters on simulated clusters (fabric8 mock API servers in CRUD mode), created through the
 * provider as a platform would, from a kubeconfig with one context per simulated cluster.
 */
final class SimulatedSecrets {
    private SimulatedSecrets() {}

    /** The settings of instance {@code instance} on context {@code cluster} of {@code kubeconfig}, plus {@code more}. */
    static Map<String, String> settings(String instance, Path kubeconfig, String cluster, Map<String, String> more) {
        Map<String, String> config = new HashMap<>();
        String p = "scaleplane.adapters." + instance + ".";
        config.put(p + "type", "kubernetes");
        config.put(p + "kubeconfig", kubeconfig.toString());
        config.put(p + "context", cluster);
        config.put(p + "request-timeout", "5s");
        more.forEach((k, v) -> config.put(p + k, v));
        return config;
    }

    /** A provider context holding {@code config}. */
    static ProviderContext context(Map<String, String> config) {
        return TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .build();
    }

    /** The adapter {@code instance} on simulated cluster {@code cluster}. */
    static SecretsAdapter adapter(String instance, Path kubeconfig, String cluster) {
        return new KubernetesSecretsProvider()
                .create(instance, context(settings(instance, kubeconfig, cluster, Map.of())));
    }

    /** Writes the fleet's kubeconfig into {@code dir}. */
    static Path kubeconfig(SimulatedFleet sim, Path dir) {
        return sim.writeKubeconfig(dir.resolve("kubeconfig"));
    }
}
