package dev.scaleplane.federation.kubernetes.testing;

import dev.scaleplane.federation.kubernetes.testing.internal.Kubeconfigs;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.regex.Pattern;

/**
 * A simulation of a fleet of Kubernetes clusters for tests, samples and benchmarks: one fabric8 mock API server
 * ({@code KubernetesMockServer} in CRUD mode) per named cluster on 127.0.0.1, each seeded with Nodes and Namespaces,
 * each with a {@link SimulatedController} that moves workload status toward spec, and each with its own faults (see
 * {@link SimulatedCluster}). The federation code under test talks to it through the same fabric8 client code that
 * talks to real clusters, given a {@link SimulatedCluster#kubeconfig()} or {@link SimulatedCluster#config()}.
 *
 * <p>It is a simulation, not a Kubernetes: there is no scheduler, no Pod, no quota enforcement, no admission or
 * defaulting, no server-side apply and no strategic merge patch. The module's README lists what the mock API server
 * does and does not do.
 *
 * <pre>{@code
 * try (SimulatedFleet fleet = SimulatedFleet.builder()
 *         .cluster("ams-1", c -> c.nodes(3).nodeCapacity("8", "32Gi", 110)
 *                 .labels(Map.of("topology.kubernetes.io/region", "eu-west")))
 *         .cluster("par-1")
 *         .start()) {
 *     KubernetesClient ams = fleet.cluster("ams-1").client();
 *     fleet.cluster("par-1").partition();
 * }
 * }</pre>
 *
 * <p>Resources: each cluster's API server runs on a Vert.x instance of its own (a few event-loop threads, started
 * on demand); the controllers of all clusters share one scheduler thread. {@link #close()} stops all of them and
 * closes the clients handed out by {@link SimulatedCluster#client()}.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #start()} and {@link #close()} are {@code synchronized}.
 */
public final class SimulatedFleet implements AutoCloseable {

    /** The default time a workload's generation is known before the simulated controller finishes its rollout. */
    public static final Duration DEFAULT_CONTROLLER_DELAY = Duration.ofMillis(200);

    /** The default substring that marks a container image as one that never becomes ready: {@value}. */
    public static final String DEFAULT_FAIL_IMAGE_MARKER = "fail";

    /** The default seed of the generators that pick which requests fail: {@value}. */
    public static final long DEFAULT_SEED = 42L;

    private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    // MockWebServer logs every request at INFO through java.util.logging; with dozens of clusters that is most of a
    // test's output. Lowered once, unless the user configured that logger; held here so the setting is not collected.
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger(MockWebServer.class.getName());

    static {
        if (MOCK_SERVER_LOG.getLevel() == null) {
            MOCK_SERVER_LOG.setLevel(Level.WARNING);
        }
    }

    private final Map<String, SimulatedCluster> clusters;
    private final ScheduledThreadPoolExecutor scheduler;
    private boolean started;
    private boolean closed;

    private SimulatedFleet(Builder builder) {
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "scaleplane-simulation-controller");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        Map<String, SimulatedCluster> byName = new LinkedHashMap<>();
        builder.clusters.forEach((name, spec) -> byName.put(
                name,
                new SimulatedCluster(
                        name,
                        spec.copy(),
                        builder.seed * 31 + name.hashCode(),
                        scheduler,
                        builder.controllerDelay,
                        builder.failImageMarker)));
        this.clusters = Collections.unmodifiableMap(byName);
    }

    /** A builder for a fleet; add at least one cluster. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every cluster: seeds its store, starts its controller and its API server on a free port of 127.0.0.1.
     * Returns once every server accepts connections. If a cluster cannot start, the ones already started are stopped
     * again and the exception is thrown.
     *
     * @return this fleet
     * @throws IllegalStateException if the fleet was started or closed before, or a server cannot start
     */
    public synchronized SimulatedFleet start() {
        if (closed) {
            throw new IllegalStateException("this simulated fleet was closed; build a new one");
        }
        if (started) {
            throw new IllegalStateException("this simulated fleet was already started");
        }
        started = true;
        try {
            for (SimulatedCluster cluster : clusters.values()) {
                cluster.start();
            }
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return this;
    }

    /**
     * The cluster named {@code name}.
     *
     * @param name a cluster name given to the builder
     * @return the cluster
     * @throws IllegalArgumentException if there is no such cluster (the message lists the names there are)
     */
    public SimulatedCluster cluster(String name) {
        Objects.requireNonNull(name, "name");
        SimulatedCluster cluster = clusters.get(name);
        if (cluster == null) {
            throw new IllegalArgumentException(
                    "no simulated cluster named '" + name + "'; the fleet has " + clusters.keySet());
        }
        return cluster;
    }

    /** Every cluster, in the order they were added to the builder. */
    public List<SimulatedCluster> clusters() {
        return List.copyOf(clusters.values());
    }

    /**
     * A kubeconfig with one cluster, user and context per simulated cluster, each named after the cluster, in
     * builder order; the current context is the first cluster. fabric8 selects a context only from a file, so use
     * {@link #writeKubeconfig(Path)} and {@code Config.fromKubeconfig(context, file)}, or point {@code KUBECONFIG} at
     * the file for {@code Config.autoConfigure(context)}.
     *
     * @throws IllegalStateException if the fleet has not been started
     */
    public String kubeconfig() {
        Map<String, String> servers = new LinkedHashMap<>();
        clusters.values().forEach(cluster -> servers.put(cluster.name(), cluster.url()));
        return Kubeconfigs.render(servers, clusters.keySet().iterator().next());
    }

    /**
     * Writes {@link #kubeconfig()} to {@code file}, replacing it if it exists. The ports stay the same for the
     * fleet's life, partitions included, so the file stays valid until {@link #close()}.
     *
     * @param file where to write
     * @return {@code file}
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalStateException if the fleet has not been started
     */
    public Path writeKubeconfig(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return Files.writeString(file, kubeconfig(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulated fleet's kubeconfig to " + file, e);
        }
    }

    /**
     * Stops every cluster (its controller, its API server and the client handed out by
     * {@link SimulatedCluster#client()}) and the controllers' scheduler, and waits until the servers have let go of
     * their threads. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (SimulatedCluster cluster : clusters.values()) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                // Close the others anyway: one stuck server must not leak the rest of the fleet.
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS) && failure == null) {
                failure = new IllegalStateException("the simulated controllers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SimulatedFleet" + clusters.keySet();
    }

    /**
     * Builds a {@link SimulatedFleet}. Not thread-safe; use it from one thread.
     */
    public static final class Builder {

        private final Map<String, ClusterSpec> clusters = new LinkedHashMap<>();
        private Duration controllerDelay = DEFAULT_CONTROLLER_DELAY;
        private String failImageMarker = DEFAULT_FAIL_IMAGE_MARKER;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /**
         * Adds a cluster with the default {@link ClusterSpec}.
         *
         * @param name the cluster's name: lower-case letters, digits and '-', at most 63 characters, starting and
         *     ending with a letter or digit (a DNS label, as kubeconfig names and node names need)
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid or already added
         */
        public Builder cluster(String name) {
            return cluster(name, spec -> {});
        }

        /**
         * Adds a cluster and configures it.
         *
         * @param name the cluster's name, as for {@link #cluster(String)}
         * @param configure sets the cluster's nodes, capacity and labels on a fresh {@link ClusterSpec}
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid or already added
         */
        public Builder cluster(String name, Consumer<ClusterSpec> configure) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(configure, "configure");
            if (!CLUSTER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("cluster name must be a DNS label (lower-case letters, digits and"
                        + " '-', at most 63 characters), but was '" + name + "'");
            }
            if (clusters.containsKey(name)) {
                throw new IllegalArgumentException("cluster '" + name + "' was already added");
            }
            ClusterSpec spec = new ClusterSpec();
            configure.accept(spec);
            clusters.put(name, spec);
            return this;
        }

        /**
         * Sets how long a workload's generation is known before the simulated controllers write its final status.
         * Default {@link SimulatedFleet#DEFAULT_CONTROLLER_DELAY} (200 ms); each cluster's controller can change it
         * at runtime.
         *
         * @param delay the delay, not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative
         */
        public Builder controllerDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("controllerDelay must be >= 0, but was " + delay);
            }
            this.controllerDelay = delay;
            return this;
        }

        /**
         * Sets the substring that marks a container image as one that never becomes ready. Default
         * {@value SimulatedFleet#DEFAULT_FAIL_IMAGE_MARKER}.
         *
         * @param marker a non-empty substring
         * @return this builder
         * @throws IllegalArgumentException if {@code marker} is empty
         */
        public Builder failImageMarker(String marker) {
            Objects.requireNonNull(marker, "marker");
            if (marker.isEmpty()) {
                throw new IllegalArgumentException("failImageMarker must not be empty");
            }
            this.failImageMarker = marker;
            return this;
        }

        /**
         * Sets the seed from which each cluster's error-injection generator is derived (with the cluster's name).
         * Default {@value SimulatedFleet#DEFAULT_SEED}.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the fleet without starting it.
         *
         * @return a new, unstarted fleet
         * @throws IllegalStateException if no cluster was added
         */
        public SimulatedFleet build() {
            if (clusters.isEmpty()) {
                throw new IllegalStateException("a simulated fleet needs at least one cluster; call cluster(name)");
            }
            return new SimulatedFleet(this);
        }

        /**
         * Builds the fleet and starts it; see {@link SimulatedFleet#start()}.
         *
         * @return a new, started fleet
         * @throws IllegalStateException if no cluster was added or a cluster cannot start
         */
        public SimulatedFleet start() {
            return build().start();
        }
    }

    /**
     * The shape of one simulated cluster: how many Nodes, what each can hold, and the labels on each. Defaults:
     * {@value #DEFAULT_NODES} nodes of cpu {@value #DEFAULT_CPU}, memory {@value #DEFAULT_MEMORY} and
     * {@value #DEFAULT_PODS} pods, no extra labels. Not thread-safe; configured once inside
     * {@link Builder#cluster(String, Consumer)}.
     */
    public static final class ClusterSpec {

        /** Default number of Nodes: {@value}. */
        public static final int DEFAULT_NODES = 3;

        /** Default cpu of each Node: {@value}. */
        public static final String DEFAULT_CPU = "4";

        /** Default memory of each Node: {@value}. */
        public static final String DEFAULT_MEMORY = "16Gi";

        /** Default pod capacity of each Node: {@value}. */
        public static final int DEFAULT_PODS = 110;

        private int nodes = DEFAULT_NODES;
        private String cpu = DEFAULT_CPU;
        private String memory = DEFAULT_MEMORY;
        private int pods = DEFAULT_PODS;
        private Map<String, String> labels = Map.of();

        private ClusterSpec() {}

        /**
         * Sets the number of Nodes.
         *
         * @param count the number of Nodes, 0 or more
         * @return this spec
         * @throws IllegalArgumentException if {@code count} is negative
         */
        public ClusterSpec nodes(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("nodes must be >= 0, but was " + count);
            }
            this.nodes = count;
            return this;
        }

        /**
         * Sets what each Node reports as {@code status.capacity} and {@code status.allocatable}.
         *
         * @param cpu a Kubernetes quantity such as {@code "8"} or {@code "7500m"}
         * @param memory a Kubernetes quantity such as {@code "32Gi"}
         * @param pods the number of pods, 0 or more
         * @return this spec
         * @throws IllegalArgumentException if a quantity cannot be parsed or {@code pods} is negative
         */
        public ClusterSpec nodeCapacity(String cpu, String memory, int pods) {
            this.cpu = quantity("cpu", cpu);
            this.memory = quantity("memory", memory);
            if (pods < 0) {
                throw new IllegalArgumentException("pods must be >= 0, but was " + pods);
            }
            this.pods = pods;
            return this;
        }

        /**
         * Sets the labels put on every Node of the cluster (for example {@code topology.kubernetes.io/region}),
         * replacing earlier ones. {@code kubernetes.io/hostname}, {@code kubernetes.io/os} and
         * {@code kubernetes.io/arch} are always set by the simulation.
         *
         * @param labels the labels
         * @return this spec
         */
        public ClusterSpec labels(Map<String, String> labels) {
            this.labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /**
         * Adds one label to those put on every Node.
         *
         * @param key the label key
         * @param value the label value
         * @return this spec
         */
        public ClusterSpec label(String key, String value) {
            Map<String, String> more = new LinkedHashMap<>(labels);
            more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            this.labels = Map.copyOf(more);
            return this;
        }

        int nodes() {
            return nodes;
        }

        String cpu() {
            return cpu;
        }

        String memory() {
            return memory;
        }

        int pods() {
            return pods;
        }

        Map<String, String> labels() {
            return labels;
        }

        ClusterSpec copy() {
            ClusterSpec copy = new ClusterSpec();
            copy.nodes = nodes;
            copy.cpu = cpu;
            copy.memory = memory;
            copy.pods = pods;
            copy.labels = labels;
            return copy;
        }

        private static String quantity(String what, String value) {
            Objects.requireNonNull(value, what);
            try {
                Quantity.getAmountInBytes(new Quantity(value));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        what + " must be a Kubernetes quantity such as \"8\", \"7500m\" or \"32Gi\", but was \"" + value
                                + "\"",
                        e);
            }
            return value;
        }
    }
}
