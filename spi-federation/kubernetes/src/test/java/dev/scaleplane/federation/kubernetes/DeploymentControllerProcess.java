package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.core.ScaleplanePlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A control plane in a JVM of its own, run (and killed) by {@link DeploymentKillTest}: a platform on a file-log event
 * store, the simulated fleet's clusters registered, application {@code web} defined (a canary, then one cluster per
 * wave with a soak between waves), and, with {@code request}, deployment {@value #DEPLOYMENT} requested.
 *
 * <p>Arguments: kubeconfig file, store directory, number of clusters, {@code request} or {@code resume}. Prints
 * {@value #READY} once the platform runs, then {@code FINISHED <phase>} when the deployment is finished, and exits.
 */
final class DeploymentControllerProcess {
    static final String READY = "CONTROLLER-READY";
    static final String DEPLOYMENT = "web-42";
    static final Duration SOAK = Duration.ofMillis(700);

    private DeploymentControllerProcess() {}

    static String cluster(int i) {
        return "c-" + i;
    }

    static Map<String, String> storeSettings(Path store) {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.store.provider", "file");
        config.put("scaleplane.store.file.directory", store.toString());
        config.put("scaleplane.deployments.tick", "50ms");
        config.put(KubernetesFleetConfig.PROBE_TIMEOUT, "2s"); // a JVM starting up on a loaded host is slow at first
        return config;
    }

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(args[0]);
        Path store = Path.of(args[1]);
        int clusters = Integer.parseInt(args[2]);
        boolean request = args[3].equals("request");
        try (ScaleplanePlatform platform = FastFleetPlatforms.start(storeSettings(store))) {
            Fleet fleet = platform.federation();
            for (int i = 0; i < clusters; i++) {
                String name = cluster(i);
                if (fleet.cluster(name).isEmpty()) { // a restarted process finds them registered in the store
                    fleet.register(ClusterSpec.builder(name)
                            .region("region-" + i)
                            .residency("EU")
                            .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                            .build());
                }
            }
            // Placement chooses among ready clusters: wait for the first probes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!fleet.snapshot().clusters().stream()
                    .allMatch(c -> c.health() == dev.scaleplane.api.federation.ClusterHealth.READY)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "clusters not ready: " + fleet.snapshot().clusters());
                }
                Thread.sleep(50);
            }
            Deployments deployments = platform.deployments();
            deployments.define(Application.builder("web", DeploymentsTest::web)
                    .placement(PlacementPolicy.builder().residency("EU").build())
                    .rollout(RolloutStrategy.builder()
                            .canary(1)
                            .partitions(clusters - 1)
                            .minSuccessTime(SOAK)
                            .build())
                    .build());
            if (request) {
                deployments.request(DeploymentRequest.of(DEPLOYMENT, "web", "2.0.0", "kill-test"));
            }
            System.out.println(READY);
            System.out.flush();
            DeploymentStatus done = deployments.whenFinished(DEPLOYMENT).get(5, TimeUnit.MINUTES);
            System.out.println("FINISHED " + done.phase());
            System.out.flush();
        }
    }
}
