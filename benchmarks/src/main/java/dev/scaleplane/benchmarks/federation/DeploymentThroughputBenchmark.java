package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.DeploymentMeters;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.internal.deploy.DeploymentController;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * Deployments per hour the deployment controller (issue 15) sustains against a simulated fleet with no artificial
 * delays, against the same per-cluster applies done directly through {@code fleet.propagate(...)} (raw federation):
 * the difference is the controller's own cost.
 *
 * <p>Set-up, per trial: {@code clusters} fabric8 mock API servers ({@link SimulatedFleet}, controller delay 0, so a
 * Deployment is ready as soon as the simulated controller sees it) in {@code min(10, clusters)} regions; a platform on
 * the embedded defaults (in-memory bus and task queue, the file event store, {@link FleetFixture#fastPlatform fast
 * fleet settings}) with {@code scaleplane.deployments.max-concurrent = maxConcurrent} and the ticker at
 * {@code tickMs}; every cluster registered and probed Ready; {@code applications} applications of one Deployment
 * each (image tag = version). Cluster {@code j} is in region {@code j % regions} with label {@code group = j /
 * regions}, so a group holds one cluster per region. Application {@code i} places on group {@code i % groups}, in the
 * five regions from {@code (i / groups) % regions} on, {@code pick(5)} with a spread over 5 regions: five clusters,
 * and the applications together cover the fleet evenly. Its rollout: the defaults (a canary cluster, then a wave per
 * region, one cluster at a time) with no soak and no analysis, so a deployment is five applies in sequence.
 *
 * <p>Each shot (single-shot time) deploys {@code deployments} new versions, round robin over the applications:
 *
 * <ul>
 *   <li>{@code scaleplane}: every {@code platform.deployments().request(...)} at once, as fast as the controller
 *       records them (beyond the limits they queue), then waits for every {@code whenFinished}. At most one
 *       deployment per application runs at a time ({@code max-concurrent-per-application} = 1, the default): two
 *       deployments of one application write the same per-cluster propagations.
 *   <li>{@code raw}: the same applies with the same order constraints and no controller: per application a chain
 *       that, per deployment and cluster in rollout order, calls {@code fleet.propagate(...)} with the propagation the
 *       controller would write (id {@code <application>--<cluster>}, pinned to the cluster) and waits for its
 *       {@code whenReady()}; the chains run concurrently, at most {@code maxConcurrent} at once (the controller's
 *       limit). No store, no placement, no waves, no polling.
 * </ul>
 *
 * <p>Secondary results ({@link Figures}): deployments per hour, the controller's most concurrent deployments
 * ({@link DeploymentMeters#ACTIVE_MAX}, since the trial started), its overhead per cluster apply
 * ({@link DeploymentMeters#APPLY_OVERHEAD}: recording {@code cluster-applying} and {@code cluster-applied} and
 * queueing the propagation; p50, p99 and mean of the shot) and, beside it, the end-to-end time per cluster apply
 * ({@code cluster-applying} recorded to {@code cluster-ready} recorded, from the streams; for {@code raw},
 * {@code propagate} to {@code whenReady}; p50 and p99). Tear-down checks that every deployment completed on the five
 * clusters its application places on, and that the last application deployed runs its last version on each of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class DeploymentThroughputBenchmark {
    static final Duration DEADLINE = Duration.ofMinutes(10);
    /** Clusters per application, each in a region of its own. */
    static final int PICK = 5;

    /** {@code scaleplane} (the deployment controller) or {@code raw} (the same applies through the fleet). */
    @Param({"scaleplane", "raw"})
    public String impl;

    /** Simulated clusters, in {@code min(10, clusters)} regions. */
    @Param({"100"})
    public int clusters;

    /** Deployments per shot, round robin over the applications. */
    @Param({"800"})
    public int deployments;

    /** Applications defined; each places on five clusters. */
    @Param({"200"})
    public int applications;

    /** {@code scaleplane.deployments.max-concurrent}; the raw side's most concurrent application chains. */
    @Param({"200"})
    public int maxConcurrent;

    /** {@code scaleplane.deployments.tick}: how often the controller looks at rollouts waiting for readiness. */
    @Param({"200"})
    public int tickMs;

    /**
     * The file event store's fsync policy ({@code GROUP_COMMIT}, the default, {@code ALWAYS} or {@code NONE}): every
     * step the controller records waits for its append, so this shows how much of the controller's time is the disk.
     */
    @Param({"GROUP_COMMIT"})
    public String fsync;

    /** The fleet's apply workers. */
    @Param({"8"})
    public int applyWorkers;

    /** Secondary results of a shot; every public field is one result (a mean over the iterations in the table). */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Figures {
        /** Deployments finished per hour at this shot's rate. */
        public double deploymentsPerHour;
        /** Most deployments in progress at once since the trial started ({@code scaleplane} only). */
        public double activeMax;
        /** The controller's time per cluster apply, median, microseconds ({@code scaleplane} only). */
        public double overheadP50Us;
        /** The controller's time per cluster apply, 99th percentile, microseconds ({@code scaleplane} only). */
        public double overheadP99Us;
        /** The controller's time per cluster apply, mean, microseconds ({@code scaleplane} only). */
        public double overheadMeanUs;
        /**
         * Time per cluster apply, median, ms: {@code cluster-applying} to {@code cluster-ready} recorded
         * ({@code scaleplane}), {@code propagate} to {@code whenReady} ({@code raw}).
         */
        public double applyEndToEndP50Ms;
        /** Time per cluster apply, 99th percentile, ms (as {@link #applyEndToEndP50Ms}). */
        public double applyEndToEndP99Ms;
    }

    private @Nullable SimulatedFleet sim;
    private @Nullable Path dir;
    private @Nullable ScaleplanePlatform platform;
    private @Nullable Fleet fleet;
    private @Nullable Deployments controller;
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private @Nullable SimpleMeterRegistry shotMeters;

    private int regions;
    private int groups;
    /** Per application, its clusters in rollout order (canary first, then one per region). */
    private final List<List<String>> placed = new ArrayList<>();

    /** The raw side's time per apply of the shot, {@code propagate} to {@code whenReady}, ms. */
    private final Queue<Double> rawApplies = new ConcurrentLinkedQueue<>();

    private int shot;
    private List<String> ids = List.of();
    private long shotStart;
    private long shotNanos;

    /** Starts the simulated fleet and the platform, registers every cluster and defines the applications. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (!impl.equals("scaleplane") && !impl.equals("raw")) {
            throw new IllegalArgumentException("impl must be scaleplane or raw, but was " + impl);
        }
        regions = Math.min(10, clusters);
        if (clusters % regions != 0 || regions < PICK) {
            throw new IllegalArgumentException("clusters must be a multiple of 10 (or 5..10), but was " + clusters);
        }
        groups = clusters / regions;
        dir = Files.createTempDirectory("scaleplane-deployment-bench");
        List<String> names = FleetFixture.names(clusters);
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(Duration.ZERO);
        names.forEach(b::cluster);
        sim = b.start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));

        Map<String, String> settings = new HashMap<>(FleetFixture.FAST_FLEET);
        settings.put("scaleplane.deployments.max-concurrent", Integer.toString(maxConcurrent));
        settings.put("scaleplane.deployments.tick", tickMs + "ms");
        settings.put(KubernetesFleetConfig.APPLY_WORKERS, Integer.toString(applyWorkers));
        settings.put(FileStoreSettings.FSYNC, fsync);
        // Five failed probes (5 s) to NotReady, not two: on a host loaded by other work (load average 14 on 2 cores)
        // a cluster went NotReady mid-shot and the placement of a deployment failed; that is not what is measured.
        settings.put(KubernetesFleetConfig.FAILURE_THRESHOLD, "5");
        platform = FleetFixture.platform(dir.resolve("store"), settings, meters);
        fleet = platform.federation();
        for (int j = 0; j < clusters; j++) {
            fleet.register(ClusterSpec.builder(names.get(j))
                    .region(region(j % regions))
                    .label("group", Integer.toString(j / regions))
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, names.get(j)))
                    .build());
        }
        FleetFixture.awaitAllReady(fleet, clusters, Duration.ofSeconds(60));

        if (impl.equals("scaleplane")) {
            controller = platform.deployments();
        }
        for (int i = 0; i < applications; i++) {
            int group = i % groups;
            int first = (i / groups) % regions;
            String[] appRegions = new String[PICK];
            List<String> appClusters = new ArrayList<>();
            for (int k = 0; k < PICK; k++) {
                int r = (first + k) % regions;
                appRegions[k] = region(r);
                appClusters.add(names.get(group * regions + r));
            }
            placed.add(appClusters);
            if (controller != null) {
                String name = app(i);
                controller.define(Application.builder(name, version -> manifests(name, version))
                        .placement(PlacementPolicy.builder()
                                .selector("group=" + group)
                                .regions(appRegions)
                                .pick(PICK)
                                .spread(SpreadConstraint.regions(PICK, PICK))
                                .build())
                        .rollout(RolloutStrategy.builder()
                                .minSuccessTime(Duration.ZERO)
                                .build())
                        .build());
            }
        }
    }

    static String region(int r) {
        return "region-" + r;
    }

    static String app(int i) {
        return String.format("app-%04d", i);
    }

    /** The objects of an application's version: one Deployment named after it, image tag = version. */
    static List<Manifest> manifests(String name, String version) {
        return List.of(SimulatedWorkloads.deployment("default", name, "registry.example/" + name + ":" + version, 1));
    }

    /** The version of deployment {@code n} of this shot: {@code 1.<shot>.<n>}. */
    private String version(int n) {
        return "1." + shot + "." + n;
    }

    /** Fresh meters for the shot, so that the percentiles are this shot's alone. */
    @Setup(Level.Invocation)
    public void nextShot() {
        shot++;
        SimpleMeterRegistry fresh = new SimpleMeterRegistry();
        // Percentiles over the whole shot, not Micrometer's default sliding window of 2 minutes.
        fresh.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return DistributionStatisticConfig.builder()
                        .expiry(Duration.ofDays(1))
                        .bufferLength(1)
                        .build()
                        .merge(config);
            }
        });
        meters.add(fresh);
        if (shotMeters != null) {
            meters.remove(shotMeters);
        }
        shotMeters = fresh;
        List<String> next = new ArrayList<>(deployments);
        for (int n = 0; n < deployments; n++) {
            next.add("d" + shot + "-" + n);
        }
        ids = next;
        shotStart = System.nanoTime();
    }

    /** From the first request until every deployment has finished (or every raw chain is ready). */
    @Benchmark
    public Object deploy() throws Exception {
        Object result = controller != null ? deployAll() : raw();
        shotNanos = System.nanoTime() - shotStart;
        return result;
    }

    private Object deployAll() throws Exception {
        Deployments d = controller;
        for (int n = 0; n < deployments; n++) {
            d.request(DeploymentRequest.of(ids.get(n), app(n % applications), version(n), "bench"));
        }
        List<CompletableFuture<DeploymentStatus>> finished = new ArrayList<>(deployments);
        for (String id : ids) {
            finished.add(d.whenFinished(id));
        }
        CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new))
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return finished;
    }

    private Object raw() throws Exception {
        // Per application, its deployments of this shot in order; each a chain of its clusters in rollout order.
        List<List<Integer>> byApp = new ArrayList<>();
        for (int i = 0; i < Math.min(applications, deployments); i++) {
            byApp.add(new ArrayList<>());
        }
        for (int n = 0; n < deployments; n++) {
            byApp.get(n % applications).add(n);
        }
        Semaphore slots = new Semaphore(maxConcurrent);
        List<CompletableFuture<?>> chains = new ArrayList<>(byApp.size());
        for (int i = 0; i < byApp.size(); i++) {
            slots.acquire();
            String name = app(i);
            CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
            for (int n : byApp.get(i)) {
                List<Manifest> objects = manifests(name, version(n));
                for (String cluster : placed.get(i)) {
                    chain = chain.thenCompose(x -> {
                        long start = System.nanoTime();
                        // Exactly the propagation a rollout asks for, made directly.
                        return fleet.propagate(DeploymentController.clusterPropagation(name, cluster, objects))
                                .whenReady()
                                .thenRun(() -> rawApplies.add((System.nanoTime() - start) / 1e6));
                    });
                }
            }
            chains.add(chain.whenComplete((x, e) -> slots.release()));
        }
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return chains;
    }

    /** Checks every deployment and fills the shot's figures (not timed). */
    @TearDown(Level.Invocation)
    public void figures(Figures f) throws Exception {
        f.deploymentsPerHour = deployments * 3.6e12 / shotNanos;
        checkLastVersion();
        List<Double> e2e = new ArrayList<>(rawApplies);
        rawApplies.clear();
        if (controller == null) {
            f.applyEndToEndP50Ms = percentile(sorted(e2e), 0.5);
            f.applyEndToEndP99Ms = percentile(sorted(e2e), 0.99);
            return;
        }
        for (int n = 0; n < deployments; n++) {
            DeploymentStatus s = controller.status(ids.get(n)).orElseThrow();
            Set<String> expected = new TreeSet<>(placed.get(n % applications));
            Set<String> got = new TreeSet<>(
                    s.clusters().stream().map(ClusterRollout::cluster).toList());
            if (s.phase() != DeploymentPhase.COMPLETED || !got.equals(expected)) {
                throw new IllegalStateException("deployment " + ids.get(n) + " should have completed on " + expected
                        + " but is " + s.phase() + " on " + got + ": " + s.reason());
            }
            Map<String, Instant> applying = new HashMap<>();
            for (RecordedEvent r :
                    platform.store().readStream(Deployments.stream(ids.get(n)), ReadDirection.FORWARD, 0, 1_000)) {
                String type = r.event().type();
                if (!(r.event().data() instanceof Map<?, ?> data) || !(data.get("cluster") instanceof String c)) {
                    continue;
                }
                if (type.endsWith(".cluster-applying")) {
                    applying.put(c, r.event().time());
                } else if (type.endsWith(".cluster-ready") && applying.containsKey(c)) {
                    e2e.add(Duration.between(applying.get(c), r.event().time()).toNanos() / 1e6);
                }
            }
        }
        f.applyEndToEndP50Ms = percentile(sorted(e2e), 0.5);
        f.applyEndToEndP99Ms = percentile(sorted(e2e), 0.99);
        f.activeMax = required(DeploymentMeters.ACTIVE_MAX).gauge().value();
        Timer overhead = required(DeploymentMeters.APPLY_OVERHEAD).timer();
        HistogramSnapshot h = overhead.takeSnapshot();
        f.overheadMeanUs = h.mean(TimeUnit.MICROSECONDS);
        for (ValueAtPercentile p : h.percentileValues()) {
            if (p.percentile() == 0.5) {
                f.overheadP50Us = p.value(TimeUnit.MICROSECONDS);
            } else if (p.percentile() == 0.99) {
                f.overheadP99Us = p.value(TimeUnit.MICROSECONDS);
            }
        }
        if (overhead.count() != (long) deployments * PICK) {
            throw new IllegalStateException("the controller timed " + overhead.count() + " cluster applies in the"
                    + " shot, expected " + (long) deployments * PICK + " (" + Arrays.toString(h.percentileValues())
                    + ")");
        }
    }

    private RequiredSearch required(String name) {
        return RequiredSearch.in(shotMeters).name(name);
    }

    /**
     * Fails the run unless the last deployment's application runs the shot's last version of it on every one of its
     * clusters: both sides really wrote.
     */
    private void checkLastVersion() {
        int n = deployments - 1;
        String name = app(n % applications);
        String image = "registry.example/" + name + ":" + version(n);
        for (String cluster : placed.get(n % applications)) {
            Deployment d = sim.cluster(cluster)
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace("default")
                    .withName(name)
                    .get();
            String live = d == null
                    ? null
                    : d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            if (!image.equals(live)) {
                throw new IllegalStateException(cluster + " should run " + image + " after the shot, but runs " + live);
            }
        }
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Closes the platform and the simulated fleet. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (platform != null) {
                platform.close();
            }
        } finally {
            if (sim != null) {
                sim.close();
            }
            FleetFixture.deleteTree(dir);
        }
    }
}
