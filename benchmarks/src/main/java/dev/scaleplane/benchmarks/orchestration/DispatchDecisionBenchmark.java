package dev.scaleplane.benchmarks.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.orchestration.DispatchStrategies;
import dev.scaleplane.core.orchestration.HealthPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one dispatch decision of each built-in strategy, through the public {@link DispatchStrategy} API, with
 * 10, 100 and 1,000 workers.
 *
 * <p>A decision is what the {@code Orchestrator} does per task under its lock: {@link DispatchStrategy#choose} over
 * the candidates, then {@link DispatchStrategy#onDispatched} for the chosen worker. Two variants:
 *
 * <ul>
 *   <li>{@link #decide()}: over a prebuilt list of {@link WorkerView} snapshots, the strategy's own cost;
 *   <li>{@link #decideWithSnapshots()}: builds the candidate snapshots first, one {@link WorkerView#of} per worker,
 *       as the {@code Orchestrator} does for every task it places; the difference is the cost of the snapshots.
 * </ul>
 *
 * <p>The pool is fixed and seeded, so every run sees the same workers: slots 1 to 16, weights 1 to 5, labels
 * {@code region} = {@code eu}, {@code us} or {@code ap} in turn, and tasks in flight drawn so that about one worker in
 * six is full. Strategies ({@code strategy}):
 *
 * <ul>
 *   <li>{@code roundRobin}, {@code leastConnections}, {@code smoothWeighted}: the choosers alone;
 *   <li>{@code healthThenCapacity}: {@code healthBased(policy, clock).then(capacityAware())}, the orchestrator's
 *       default, with one worker in ten ejected (its circuit open for the whole run);
 *   <li>{@code capacityLabels}: {@code capacityAware(Map.of("region", "eu"))}, a third of the workers match.
 * </ul>
 *
 * <p>The views do not change between decisions (nothing runs), so stateful strategies keep rotating over one
 * picture of the pool: that is the steady-state decision cost, not a simulation of load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DispatchDecisionBenchmark {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] REGIONS = {"eu", "us", "ap"};

    /** The strategy; see the class comment. */
    @Param({"roundRobin", "leastConnections", "smoothWeighted", "healthThenCapacity", "capacityLabels"})
    public String strategy;

    /** Workers in the pool. */
    @Param({"10", "100", "1000"})
    public int workers;

    private DispatchStrategy chooser;
    private List<WorkerView> views;
    private WorkerSpec[] specs;
    private int[] inFlight;
    private Task task;

    /** Builds the pool and the strategy, and checks that a decision finds a worker; not measured. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        specs = new WorkerSpec[workers];
        inFlight = new int[workers];
        views = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            int slots = 1 + random.nextInt(16);
            specs[i] = new WorkerSpec(
                    String.format("worker-%04d", i), slots, 1 + random.nextInt(5), Map.of("region", REGIONS[i % 3]));
            // One in six full, the rest somewhere between idle and one slot free.
            inFlight[i] = random.nextInt(6) == 0 ? slots : random.nextInt(slots);
            views.add(WorkerView.of(specs[i], inFlight[i], true));
        }
        task = new Task("task-1", TaskRequest.of("deploy", "payload"), 1, 3, NOW);
        chooser = strategy(strategy, views);
        Optional<WorkerView> first = chooser.choose(task, views);
        if (first.isEmpty()) {
            throw new IllegalStateException(strategy + " with " + workers + " workers chose nobody");
        }
    }

    static DispatchStrategy strategy(String name, List<WorkerView> views) {
        return switch (name) {
            case "roundRobin" -> DispatchStrategies.roundRobin();
            case "leastConnections" -> DispatchStrategies.leastConnections();
            case "smoothWeighted" -> DispatchStrategies.smoothWeighted();
            case "healthThenCapacity" -> {
                HealthPolicy policy = HealthPolicy.builder()
                        .consecutiveFailures(3)
                        .coolDown(Duration.ofDays(1))
                        .build();
                TaskClock clock = TaskClock.of(Clock.fixed(NOW, ZoneOffset.UTC));
                DispatchStrategy health = DispatchStrategies.healthBased(policy, clock);
                for (int i = 0; i < views.size(); i += 10) {
                    for (int k = 0; k < policy.consecutiveFailures(); k++) {
                        health.onFailure(
                                views.get(i),
                                new LeaseLostException("t", "bench", 1, LeaseLostException.Reason.EXPIRED, NOW));
                    }
                }
                yield health.then(DispatchStrategies.capacityAware());
            }
            case "capacityLabels" -> DispatchStrategies.capacityAware(Map.of("region", "eu"));
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "'");
        };
    }

    /** One decision over prebuilt snapshots. */
    @Benchmark
    public Optional<WorkerView> decide() {
        return decide(views);
    }

    /** One decision, snapshots built first as the orchestrator does per task. */
    @Benchmark
    public Optional<WorkerView> decideWithSnapshots() {
        List<WorkerView> fresh = new ArrayList<>(specs.length);
        for (int i = 0; i < specs.length; i++) {
            fresh.add(WorkerView.of(specs[i], inFlight[i], true));
        }
        return decide(fresh);
    }

    private Optional<WorkerView> decide(List<WorkerView> candidates) {
        Optional<WorkerView> chosen = chooser.choose(task, candidates);
        if (chosen.isPresent()) {
            chooser.onDispatched(task, chosen.get());
        }
        return chosen;
    }
}
