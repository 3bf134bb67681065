package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
 * The first propagation on a freshly started fleet: the same shot as {@link PropagationBenchmark}'s
 * {@code scaleplane} side, but each iteration starts a new platform, registers every cluster, waits until all are
 * probed Ready (not measured) and then measures one propagation, which also starts the fleet's status informers (one
 * per cluster and kind: {@code 5 x clusters} list-and-watch streams). The difference to {@link PropagationBenchmark}
 * is the informers' start-up. No peer: the raw side has no standing informers to start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class FirstPropagationBenchmark {

    /** Simulated clusters, every one a target. */
    @Param({"100"})
    public int clusters;

    /** Time the simulated controller waits before it writes a Deployment's ready status. */
    @Param({"10"})
    public int controllerDelayMs;

    /** The fleet's apply workers. */
    @Param({"8"})
    public int applyWorkers;

    private @Nullable SimulatedFleet sim;
    private @Nullable Path dir;
    private @Nullable Path kubeconfig;
    private final AtomicInteger sequence = new AtomicInteger();

    private @Nullable ScaleplanePlatform platform;
    private @Nullable Fleet fleet;
    private @Nullable Propagation current;
    private String bundle = "";

    /** Starts the simulated fleet. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("scaleplane-first-propagation-bench");
        sim = PropagationBenchmark.simulatedFleet(clusters, controllerDelayMs);
        kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    /** A new platform and fleet, every cluster registered and probed Ready. */
    @Setup(Level.Iteration)
    public void startFleet() throws Exception {
        int n = sequence.incrementAndGet();
        bundle = String.format("f%04d", n);
        platform = FleetFixture.fastPlatform(dir.resolve("store-" + n), applyWorkers);
        fleet = platform.federation();
        FleetFixture.registerAll(fleet, kubeconfig, FleetFixture.names(clusters));
        FleetFixture.awaitAllReady(fleet, clusters, Duration.ofSeconds(60));
    }

    /** From the call until every cluster reports every object of the bundle ready. */
    @Benchmark
    public PropagationStatus firstPropagate() throws Exception {
        current = fleet.propagate(PropagationBenchmark.request(bundle));
        return current.whenReady().get(PropagationBenchmark.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Checks one cluster's copy, deletes the bundle, closes the platform once the deletion events drained, and waits
     * until every simulated server answers again: the fabric8 mock API server can block a server's event loop when a
     * watch closes while an event is in flight, and the next iteration must not start on a stalled server.
     */
    @TearDown(Level.Iteration)
    public void stopFleet() throws Exception {
        try {
            PropagationBenchmark.check(sim.clusters().get(sequence.get() % clusters), bundle);
            if (current != null) {
                current.delete(false).get(PropagationBenchmark.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
            Thread.sleep(PropagationBenchmark.SETTLE.toMillis());
        } finally {
            current = null;
            if (platform != null) {
                platform.close();
            }
            platform = null;
            fleet = null;
        }
        awaitResponsive(sim, Duration.ofSeconds(90));
    }

    /** Waits until every simulated cluster answers a GET, each within the client's request timeout. */
    static void awaitResponsive(SimulatedFleet sim, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        List<SimulatedCluster> pending = new ArrayList<>(sim.clusters());
        // One thread per cluster at most: a stalled server must not hold up the others' checks.
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(32, pending.size()));
        try {
            while (!pending.isEmpty()) {
                List<CompletableFuture<Boolean>> answers = new ArrayList<>(pending.size());
                for (SimulatedCluster c : pending) {
                    answers.add(CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    c.client().namespaces().withName("default").get();
                                    return true;
                                } catch (RuntimeException e) {
                                    return false;
                                }
                            },
                            threads));
                }
                List<SimulatedCluster> next = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    if (!answers.get(i).get(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                        next.add(pending.get(i));
                    }
                }
                if (!next.isEmpty() && System.nanoTime() > end) {
                    throw new IllegalStateException(
                            next.size() + " simulated clusters still do not answer after " + deadline + ": " + next);
                }
                pending = next;
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Stops the simulated fleet. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (sim != null) {
                sim.close();
            }
        } finally {
            FleetFixture.deleteTree(dir);
        }
    }
}
