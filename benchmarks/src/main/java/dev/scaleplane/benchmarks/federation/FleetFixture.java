package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFederationProvider;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The Scaleplane side of the federation benchmarks, built the way an application builds it: {@link Scaleplane#builder()}
 * on the embedded defaults (in-memory bus and task queue, the file event store in a temporary folder), the fleet from
 * {@code platform.federation()}, clusters registered through the public {@link Fleet} API.
 */
final class FleetFixture {
    private FleetFixture() {}

    /**
     * Fast settings for the simulated fleet: a probe every second (the first at registration), two failed probes to
     * NotReady, a toleration far above any run so that no failover starts; the rest (apply workers, event loops,
     * request timeout) is the fleet's default unless added.
     */
    static final Map<String, String> FAST_FLEET = Map.of(
            KubernetesFleetConfig.PROBE_INTERVAL, "1s",
            KubernetesFleetConfig.PROBE_TIMEOUT, "5s",
            KubernetesFleetConfig.FAILURE_THRESHOLD, "2",
            KubernetesFleetConfig.TOLERATION, "1h");

    /** A platform with the {@link #FAST_FLEET fast fleet settings} and {@code applyWorkers} apply workers. */
    static ScaleplanePlatform fastPlatform(Path storeDir, int applyWorkers) {
        Map<String, String> settings = new HashMap<>(FAST_FLEET);
        settings.put(KubernetesFleetConfig.APPLY_WORKERS, Integer.toString(applyWorkers));
        return platform(storeDir, settings, null);
    }

    /** A platform on the embedded defaults, with the fleet settings given (others are the fleet's defaults). */
    static ScaleplanePlatform platform(Path storeDir, Map<String, String> fleetSettings) {
        return platform(storeDir, fleetSettings, null);
    }

    /**
     * A platform on the embedded defaults with the settings given (fleet and others), its meters on {@code meters}
     * when not null. The apply task's retry policy is the one the module README recommends: refusals are final,
     * unreachable clusters retried every 100 ms.
     */
    static ScaleplanePlatform platform(Path storeDir, Map<String, String> settings, @Nullable MeterRegistry meters) {
        Map<String, String> config = new HashMap<>(settings);
        // The benchmark jar also holds the Kafka, RabbitMQ and PostgreSQL backends: name the embedded ones.
        config.put("scaleplane.events.provider", "memory");
        config.put("scaleplane.tasks.provider", "memory");
        config.put("scaleplane.store.provider", "file");
        config.put("scaleplane.store.file.directory", storeDir.toString());
        Scaleplane.Builder builder = Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .taskQueueOptions(TaskQueueOptions.builder()
                        .retryPolicy(
                                KubernetesFederationProvider.APPLY_TASK,
                                RetryPolicy.builder()
                                        .fixed(Duration.ofMillis(100))
                                        .jitter(0)
                                        .maxAttempts(50)
                                        .nonRetryable(ApplyException.class)
                                        .build())
                        .build());
        if (meters != null) {
            builder.meterRegistry(meters);
        }
        return builder.build();
    }

    /** Registers one cluster per name, each with its context of {@code kubeconfig}. */
    static void registerAll(Fleet fleet, Path kubeconfig, List<String> names) {
        for (String name : names) {
            fleet.register(ClusterSpec.builder(name)
                    .region("region-" + Math.floorMod(name.hashCode(), 6))
                    .label("env", "bench")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                    .build());
        }
    }

    /** Registers one cluster per name with a distinct bearer token for its server URL. */
    static void registerAllWithTokens(Fleet fleet, Map<String, String> urls) {
        urls.forEach((name, url) -> fleet.register(ClusterSpec.builder(name)
                .region("region-" + Math.floorMod(name.hashCode(), 6))
                .label("env", "bench")
                .credentials(ClusterCredentials.token(URI.create(url), "token-" + name))
                .build()));
    }

    /**
     * Waits until {@code expected} clusters are registered and every one is Ready, polling the snapshot every 10 ms.
     *
     * @throws IllegalStateException past the deadline, listing clusters that are not ready
     */
    static void awaitAllReady(Fleet fleet, int expected, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            List<ClusterState> clusters = fleet.snapshot().clusters();
            long ready = clusters.stream()
                    .filter(c -> c.health() == ClusterHealth.READY)
                    .count();
            if (clusters.size() == expected && ready == expected) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException(ready + " of " + expected + " clusters ready after " + deadline
                        + "; not ready: "
                        + clusters.stream()
                                .filter(c -> c.health() != ClusterHealth.READY)
                                .limit(10)
                                .map(c -> c.name() + "=" + c.health())
                                .collect(Collectors.joining(", ")));
            }
            Thread.sleep(10);
        }
    }

    /**
     * Writes a kubeconfig with one context per cluster name, cluster {@code i} pointing at {@code servers[i % n]}: with
     * fewer servers than names, several registrations share one API server, each through its own context.
     */
    static Path writeKubeconfig(Path file, List<String> names, List<String> servers) {
        StringBuilder yaml = new StringBuilder(256 + 256 * names.size());
        yaml.append("apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
        for (int i = 0; i < names.size(); i++) {
            yaml.append("- name: ")
                    .append(names.get(i))
                    .append("\n  cluster:\n    server: ")
                    .append(servers.get(i % servers.size()))
                    .append('\n');
        }
        yaml.append("users:\n");
        names.forEach(n -> yaml.append("- name: ").append(n).append("\n  user: {}\n"));
        yaml.append("contexts:\n");
        names.forEach(n -> yaml.append("- name: ")
                .append(n)
                .append("\n  context:\n    cluster: ")
                .append(n)
                .append("\n    user: ")
                .append(n)
                .append("\n    namespace: default\n"));
        yaml.append("current-context: ").append(names.get(0)).append('\n');
        try {
            return Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark kubeconfig " + file, e);
        }
    }

    /** Deletes a folder and everything below it, deepest first; nothing if it is null. */
    static void deleteTree(@Nullable Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Names {@code c-0000} ... of {@code n} clusters. */
    static List<String> names(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> String.format("c-%04d", i))
                .toList();
    }
}
