package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.core.ScaleplanePlatform;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * One replica of a service that embeds the fleet with HA on, run in a JVM of its own by {@link HaKillTest}.
 *
 * <p>Arguments: kubeconfig file (contexts {@code mgmt} and {@code c-00}..), identity, action log file, number of
 * clusters. It appends {@code cluster replica start|stop epochMicros} to the action log when it starts working a
 * cluster (before any probe, watch or apply) and when it has stopped (after them), writing each line straight to
 * the file so a SIGKILL loses nothing written; registers the clusters; prints {@value #READY}; and closes the platform
 * (releasing its claims) and exits when its standard input closes.
 */
final class HaReplicaProcess {
    static final String READY = "HA-REPLICA-READY";
    static final String NAMESPACE = "scaleplane-ha";

    /**
     * The timings of the test: short, so that a kill is taken over in seconds. The renew period sets the asserted bound
     * (lease-duration + renew-period = 6 s) but hardly the takeover itself (about lease-duration + retry-period after
     * the last renewal), which leaves a loaded CI host some margin.
     */
    static final Map<String, String> TIMINGS = Map.of(
            FleetHaConfig.LEASE_DURATION, "4s",
            FleetHaConfig.RENEW_DEADLINE, "3s",
            FleetHaConfig.RENEW_PERIOD, "2s",
            FleetHaConfig.RETRY_PERIOD, "250ms");

    private HaReplicaProcess() {}

    public static void main(String[] args) throws IOException {
        Path kubeconfig = Path.of(args[0]);
        String identity = args[1];
        Path actions = Path.of(args[2]);
        int clusters = Integer.parseInt(args[3]);
        Map<String, String> config = new HashMap<>(TIMINGS);
        config.put("scaleplane.store.provider", "memory");
        config.put(KubernetesFleetConfig.PROBE_INTERVAL, "1s");
        config.put(FleetHaConfig.ENABLED, "true");
        config.put(FleetHaConfig.CONTEXT, "mgmt");
        config.put(FleetHaConfig.KUBECONFIG, kubeconfig.toString());
        config.put(FleetHaConfig.NAMESPACE, NAMESPACE);
        config.put(FleetHaConfig.IDENTITY, identity);
        try (OutputStream log = new FileOutputStream(actions.toFile(), true);
                ScaleplanePlatform platform = FastFleetPlatforms.start(config)) {
            Fleet fleet = platform.federation();
            FleetOwnership ownership = FleetOwnership.of(fleet).orElseThrow();
            ownership.addListener(new FleetOwnership.Listener() {
                @Override
                public void started(String cluster, Instant at) {
                    write(log, cluster + " " + identity + " start " + micros(at));
                }

                @Override
                public void stopped(String cluster, Instant at, String why) {
                    write(log, cluster + " " + identity + " stop " + micros(at));
                }
            });
            for (int i = 0; i < clusters; i++) {
                String name = HaKillTest.cluster(i);
                fleet.register(ClusterSpec.builder(name)
                        .region("region-" + (i % 3))
                        .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                        .build());
            }
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our standard input
            }
        }
        System.out.println("CLOSED");
        System.out.flush();
    }

    static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static void write(OutputStream log, String line) {
        synchronized (log) {
            try {
                log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
