package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.core.ScaleplanePlatform;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Footprint of {@code clusters} registered and health-probed clusters in one JVM: heap and resident memory per
 * cluster and threads, against the same number of raw fabric8 clients. The single-shot time is registration until
 * every cluster is probed Ready (or every raw client has answered one probe); the footprint is in the secondary
 * results ({@link Footprint}).
 *
 * <p>The mock API servers run in a JVM of their own ({@link SimulatedFleetProcess}, {@code servers} of them), so
 * nothing measured here is the servers'. With fewer servers than clusters, cluster {@code i} uses server
 * {@code i % servers} through its own kubeconfig context ({@code credentials=kubeconfig}) or its own bearer token
 * ({@code credentials=token}): the client side is the same as with one server per cluster, apart from the HTTP
 * connections, which are per client anyway.
 *
 * <p>Implementations ({@code impl}):
 *
 * <ul>
 *   <li>{@code scaleplane}: {@code fleet.register(...)} of every cluster on a platform on the embedded defaults with
 *       the fleet's default settings (a probe every 10 s, the first at registration); Ready when every cluster's
 *       first probe passed.
 *   <li>{@code fabric8}: one {@code KubernetesClient} per cluster built the default way (its own HTTP client with its
 *       own Vert.x instance, its own executor), each answering one {@code nodes().list()}.
 *   <li>{@code fabric8Shared}: the same clients sharing one Vert.x instance (2 event loops) and one 8-thread executor,
 *       the sharing the fleet does: the difference to {@code scaleplane} is what the fleet keeps per cluster
 *       (registry entry, circuit breaker, health, probe schedule), the difference to {@code fabric8} what sharing
 *       saves.
 * </ul>
 *
 * <p>Measurement: used heap after {@code System.gc()} (three rounds), resident set size ({@code VmRSS}) with the heap
 * pre-touched ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}) so that its growth is native memory (thread stacks,
 * direct buffers, metaspace, malloc), and live threads. Per-cluster figures are the growth from just before the
 * first registration (the platform already running) to after the last probe, divided by {@code clusters};
 * {@code threads} is the growth from the start of the trial (before any platform), so the fleet's fixed threads
 * count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class FleetFootprintBenchmark {
    private static final Duration READY_DEADLINE = Duration.ofMinutes(5);

    /** {@code scaleplane}, {@code fabric8} or {@code fabric8Shared}. */
    @Param({"scaleplane", "fabric8", "fabric8Shared"})
    public String impl;

    /** Registered clusters (clients). */
    @Param({"1000"})
    public int clusters;

    /** Mock API servers behind them, in a JVM of their own (1,000 take about 0.7 GB and 3,000 threads there). */
    @Param({"1000"})
    public int servers;

    /**
     * {@code token} (a URL and a bearer token each) or {@code kubeconfig} (one context per cluster in one file; slow
     * to register and heavy, since each cluster parses and keeps the whole file: see the README).
     */
    @Param({"token"})
    public String credentials;

    /** The footprint, reported as secondary results. Every public field is one result. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Footprint {
        /** Growth of used heap after GC per cluster, KiB. */
        public double heapPerClusterKiB;
        /** Growth of resident memory outside the (pre-touched) heap per cluster, KiB. */
        public double nativePerClusterKiB;
        /** Live threads added since the start of the trial (fixed threads of the platform included). */
        public double threads;
        /** Used heap after GC at the end, minus at the start of the trial, MiB (the platform's fixed part included). */
        public double heapMiB;
    }

    private @Nullable SimulatedFleetProcess servers0;
    private @Nullable Path dir;
    private List<String> names = List.of();
    private @Nullable Path kubeconfig;
    private Map<String, String> urls = Map.of();

    private long trialHeap;
    private int trialThreads;
    private long iterationHeap;
    private long iterationRss;

    private @Nullable ScaleplanePlatform platform;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private @Nullable Vertx vertx;
    private @Nullable ExecutorService executor;
    private @Nullable ExecutorService probes;

    /** Starts the servers in their own JVM, writes the kubeconfig and takes the JVM's baseline. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("scaleplane-footprint-bench");
        servers0 = SimulatedFleetProcess.start(
                servers, Duration.ofMillis(200), dir, servers > 500 ? "6g" : servers > 100 ? "3g" : "1g");
        names = FleetFixture.names(clusters);
        List<String> serverUrls = servers0.urls();
        kubeconfig = FleetFixture.writeKubeconfig(dir.resolve("kubeconfig"), names, serverUrls);
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byName.put(names.get(i), serverUrls.get(i % serverUrls.size()));
        }
        urls = byName;
        trialHeap = usedHeapAfterGc();
        trialThreads = threads();
    }

    /** Starts the platform (or the shared Vert.x) and takes the per-cluster baseline. */
    @Setup(Level.Iteration)
    public void start() throws Exception {
        AtomicInteger n = new AtomicInteger();
        probes = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "raw-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        switch (impl) {
            case "scaleplane" -> {
                platform = FleetFixture.platform(dir.resolve("store"), Map.of());
                platform.federation(); // the fleet starts here, not inside the measurement
                probes.shutdown();
                probes = null;
            }
            case "fabric8" -> {}
            case "fabric8Shared" -> {
                vertx = Vertx.vertx(new VertxOptions()
                        .setEventLoopPoolSize(2)
                        .setWorkerPoolSize(1)
                        .setInternalBlockingPoolSize(1)
                        .setUseDaemonThread(true));
                AtomicInteger m = new AtomicInteger();
                executor = Executors.newFixedThreadPool(8, r -> {
                    Thread t = new Thread(r, "raw-shared-" + m.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
            default -> throw new IllegalArgumentException(
                    "impl must be scaleplane, fabric8 or fabric8Shared, but was " + impl);
        }
        iterationHeap = usedHeapAfterGc();
        iterationRss = residentBytes();
    }

    /** Registers every cluster and waits until each is probed Ready (or each raw client answered a probe). */
    @Benchmark
    public int registerAndProbe() throws Exception {
        if (platform != null) {
            Fleet fleet = platform.federation();
            if (credentials.equals("token")) {
                FleetFixture.registerAllWithTokens(fleet, urls);
            } else {
                FleetFixture.registerAll(fleet, kubeconfig, names);
            }
            FleetFixture.awaitAllReady(fleet, clusters, READY_DEADLINE);
            return clusters;
        }
        Vertx5HttpClientFactory shared = vertx == null ? null : new Vertx5HttpClientFactory(vertx);
        for (String name : names) {
            Config config = credentials.equals("token")
                    ? new ConfigBuilder(Config.empty())
                            .withMasterUrl(urls.get(name))
                            .withOauthToken("token-" + name)
                            .build()
                    : Config.fromKubeconfig(name, kubeconfig.toFile());
            KubernetesClientBuilder b = new KubernetesClientBuilder().withConfig(config);
            if (shared != null) {
                b.withHttpClientFactory(shared).withTaskExecutor(executor);
            }
            clients.add(b.build());
        }
        List<CompletableFuture<?>> probed = new ArrayList<>(clients.size());
        for (KubernetesClient c : clients) {
            probed.add(CompletableFuture.runAsync(() -> c.nodes().list(), probes));
        }
        CompletableFuture.allOf(probed.toArray(CompletableFuture[]::new))
                .get(READY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return clients.size();
    }

    /** Measures, then closes what the iteration started. */
    @TearDown(Level.Iteration)
    public void measureAndStop(Footprint f) throws Exception {
        long heap = usedHeapAfterGc();
        long rss = residentBytes();
        f.heapPerClusterKiB = (heap - iterationHeap) / 1024.0 / clusters;
        // The heap is pre-touched: its growth does not show in the resident set, which grows by native memory only.
        f.nativePerClusterKiB = (rss - iterationRss) / 1024.0 / clusters;
        f.threads = threads() - trialThreads;
        f.heapMiB = (heap - trialHeap) / 1024.0 / 1024.0;
        System.out.printf(
                "%n%s: %d clusters on %d servers: heap +%.1f KiB/cluster (%.0f MiB in all), native +%.1f KiB/cluster,"
                        + " %d threads now (+%.0f): %s%n",
                impl,
                clusters,
                servers,
                f.heapPerClusterKiB,
                f.heapMiB,
                f.nativePerClusterKiB,
                threads(),
                f.threads,
                threadNames());
        if (platform != null) {
            platform.close();
            platform = null;
        }
        clients.forEach(KubernetesClient::close);
        clients.clear();
        if (probes != null) {
            probes.shutdownNow();
            probes = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
            vertx = null;
        }
    }

    /** Stops the servers. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (servers0 != null) {
                servers0.close();
            }
        } finally {
            FleetFixture.deleteTree(dir);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Live threads by name with digits taken out, most frequent first: which pools the threads belong to. */
    static String threadNames() {
        Map<String, Integer> byName = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            byName.merge(t.getName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
        }
        return byName.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(8)
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** {@code VmRSS} of this process, in bytes. */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
