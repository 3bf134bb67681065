package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingEvents;
import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.DispatchStrategies;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.core.orchestration.scaling.Autoscaler;
import dev.scaleplane.core.orchestration.scaling.WorkerPool;
import dev.scaleplane.testing.VirtualTaskClock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample's elastic-scaling step: a {@link WorkerPool} sized by an {@link Autoscaler} from the backlog of the
 * platform's memory task queue, on virtual time. A burst of {@value #BURST} render tasks arrives at once; the pool
 * scales up by at most 100% per 15 s (after the 60 s window) to its maximum, works the backlog off, and once the
 * recommendation has stayed low for the 300 s scale-down window it drains workers back down to the minimum. A trickle
 * of one task per evaluation keeps the pool busy while it shrinks, so workers are removed with tasks in flight: they
 * finish them before they go (drain), and no task is lost or run twice.
 *
 * <p>The autoscaler records its decisions in the platform's store (stream {@code scaling-render}); the step prints
 * them from there, with the worker count after every evaluation. Each {@link #run} builds its own platform and
 * virtual clock, so runs are independent of each other and of the rollout scenario.
 */
final class BurstScaling {

    /** The pool, also the task type and the autoscaler's name. */
    static final String POOL = "render";

    /** Tasks of the burst. */
    static final int BURST = 200;

    /** When the burst arrives, after the start. */
    static final Duration BURST_AT = Duration.ofSeconds(60);

    /** How long a render takes, on the virtual clock. */
    static final Duration RENDER_TIME = Duration.ofSeconds(20);

    /** Slots of each worker of the pool. */
    static final int SLOTS = 2;

    /** The pool's bounds and backlog target; scaling behaviour and evaluation interval are the defaults. */
    static final ScalingPolicy POLICY = ScalingPolicy.builder()
            .workers(1, 8)
            .metrics(ScalingMetric.depth(10))
            .build();

    /** How long the trickle runs; it stops well before the end so the pool can settle at its minimum. */
    static final Duration TRICKLE_FOR = Duration.ofMinutes(20);

    /** The virtual time the step covers: the burst, the scale-up, the 300 s window and the drains back down. */
    static final Duration SPAN = Duration.ofMinutes(30);

    private BurstScaling() {}

    /**
     * What the step observed.
     *
     * @param series the pool's worker count after every evaluation, one per {@link ScalingPolicy#evaluationInterval()}
     *     from the start
     * @param evaluations every decision the autoscaler made, one per evaluation, in order
     * @param decisions the decisions the autoscaler recorded in the store, in order: the changes, and the holds whose
     *     count or reason differ from the last recorded one
     * @param submitted tasks submitted (burst and trickle)
     * @param states how many submitted tasks ended in each state
     * @param runsPerTask how often each task's handler ran, by task id
     * @param drainedBusy evaluations at which at least one removed worker was still finishing a task
     * @param failures what the step expected and did not see; empty when all was as expected
     */
    record Result(
            List<Integer> series,
            List<ScalingDecision> evaluations,
            List<ScalingDecision> decisions,
            int submitted,
            Map<TaskState, Integer> states,
            Map<String, Integer> runsPerTask,
            int drainedBusy,
            List<String> failures) {}

    /** Runs the step on its own platform and virtual clock, printing to {@code out}. */
    static Result run(PrintStream out) {
        VirtualTaskClock clock = new VirtualTaskClock();
        Instant start = clock.now();
        Duration interval = POLICY.evaluationInterval();
        Map<String, Integer> runs = new HashMap<>();
        List<TaskHandle> handles = new ArrayList<>();
        List<Integer> series = new ArrayList<>();
        List<ScalingDecision> evaluations = new ArrayList<>();
        int drainedBusy = 0;
        List<ScalingDecision> decisions;

        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.events.provider", "memory",
                        "scaleplane.store.provider", "memory",
                        "scaleplane.tasks.provider", "memory")))
                // The store dates the recorded decisions by this clock, the queue and orchestrator time by the other.
                .clock(clock.asClock())
                .taskClock(clock)
                .build()) {
            TaskQueue queue = platform.tasks();
            try (Orchestrator orchestrator = Orchestrator.builder(queue)
                            .name("render-pool")
                            .clock(clock)
                            // A render is simulated as RENDER_TIME on the virtual clock: the handler runs when it is
                            // over.
                            .executor(r -> clock.schedule(RENDER_TIME, r))
                            // Round robin spreads the trickle over every worker, the newest (drained first) included.
                            .strategy(DispatchStrategies.roundRobin())
                            .pollInterval(Duration.ofSeconds(1))
                            .closeTimeout(Duration.ofSeconds(1))
                            .build();
                    WorkerPool pool = WorkerPool.builder(orchestrator, task -> {
                                synchronized (runs) {
                                    runs.merge(task.id(), 1, Integer::sum);
                                }
                                return "frame " + task.payload(Integer.class) + " rendered";
                            })
                            .name(POOL)
                            .slots(SLOTS)
                            .build();
                    Autoscaler autoscaler = Autoscaler.builder(POOL, pool)
                            .queue(queue)
                            .policy(POLICY)
                            .clock(clock)
                            .platform(platform)
                            .build()) {
                orchestrator.start();
                autoscaler.start();
                printSetup(out);
                // One observation per evaluation: the loop and the autoscaler step on the same 15 s grid.
                for (Duration t = Duration.ZERO; t.compareTo(SPAN) <= 0; t = t.plus(interval)) {
                    clock.advanceTo(start.plus(t));
                    series.add(pool.currentWorkers());
                    ScalingDecision last = autoscaler.lastDecision();
                    if (last != null) {
                        evaluations.add(last);
                    }
                    if (pool.drainingWorkers() > 0) {
                        drainedBusy++;
                    }
                    if (t.equals(BURST_AT)) {
                        for (int i = 0; i < BURST; i++) {
                            handles.add(queue.submit(TaskRequest.of(POOL, i)));
                        }
                    }
                    if (t.compareTo(BURST_AT) >= 0 && t.compareTo(TRICKLE_FOR) < 0) {
                        handles.add(queue.submit(TaskRequest.of(POOL, BURST + handles.size())));
                    }
                }
                decisions =
                        platform
                                .store()
                                .readStream(ScalingEvents.stream(POOL), ReadDirection.FORWARD, 0, 10_000)
                                .stream()
                                .map(r -> (ScalingDecision) r.event().data())
                                .toList();
            }
        }
        Map<TaskState, Integer> states = new EnumMap<>(TaskState.class);
        handles.forEach(h -> states.merge(h.state(), 1, Integer::sum));
        Map<String, Integer> runsPerTask;
        synchronized (runs) {
            runsPerTask = Map.copyOf(runs);
        }
        List<String> failures = new ArrayList<>();
        Result result = new Result(
                List.copyOf(series),
                List.copyOf(evaluations),
                decisions,
                handles.size(),
                states,
                runsPerTask,
                drainedBusy,
                failures);
        check(result, handles);
        printSeries(out, start, series);
        printDecisions(out, start, decisions);
        out.printf(
                "Tasks: %d submitted (%d in the burst, %d trickled), final states %s; %d of them ran exactly once;"
                        + " workers were draining with tasks in flight at %d evaluations%n%n",
                handles.size(),
                BURST,
                handles.size() - BURST,
                states,
                runsPerTask.values().stream().filter(n -> n == 1).count(),
                drainedBusy);
        return result;
    }

    /**
     * The shape the scaling rules promise: from the minimum up to the maximum, doubling at most (the +100% per 15 s
     * limit), never down again before the 300 s window has passed since the last high recommendation, then down to
     * the minimum without ever going up again (no flapping); and every task ran once and succeeded.
     */
    private static void check(Result r, List<TaskHandle> handles) {
        List<String> f = r.failures();
        List<Integer> s = r.series();
        int min = POLICY.minWorkers();
        int max = POLICY.maxWorkers();
        int peakAt = s.indexOf(max);
        if (peakAt < 0) {
            f.add("the pool never reached its maximum of " + max + " workers: " + s);
            return;
        }
        for (int i = 1; i <= peakAt; i++) {
            if (s.get(i) < s.get(i - 1) || s.get(i) > 2 * s.get(i - 1)) {
                f.add("on the way up the count at most doubles per evaluation and never falls, but went " + s.get(i - 1)
                        + " -> " + s.get(i) + " at evaluation " + i);
            }
        }
        for (int i = peakAt + 1; i < s.size(); i++) {
            if (s.get(i) > s.get(i - 1)) {
                f.add("after the peak the count only falls (no flapping), but went " + s.get(i - 1) + " -> " + s.get(i)
                        + " at evaluation " + i);
            }
        }
        if (s.get(0) != min || s.get(s.size() - 1) != min) {
            f.add("the pool starts and ends at its minimum of " + min + " workers, but the series is " + s);
        }
        // The scale-down window: a scale-down to N only once no recommendation above N came within the window.
        Duration window = POLICY.scaleDown().stabilizationWindow();
        List<ScalingDecision> d = r.evaluations();
        if (d.size() != s.size()) {
            f.add("one decision per evaluation (" + s.size() + "), but the autoscaler made " + d.size());
        }
        for (ScalingDecision down : d) {
            if (down.desiredWorkers() >= down.currentWorkers()) {
                continue;
            }
            for (ScalingDecision earlier : d) {
                if (earlier.at().isBefore(down.at())
                        && earlier.recommendedWorkers() > down.desiredWorkers()
                        && Duration.between(earlier.at(), down.at()).compareTo(window) < 0) {
                    f.add("scale-down to " + down.desiredWorkers() + " at " + down.at() + " came within " + window
                            + " of a recommendation of " + earlier.recommendedWorkers() + " at " + earlier.at());
                }
            }
        }
        if (r.decisions().stream().noneMatch(x -> x.desiredWorkers() < x.currentWorkers())) {
            f.add("no scale-down decision was recorded in stream " + ScalingEvents.stream(POOL));
        }
        int succeeded = r.states().getOrDefault(TaskState.SUCCEEDED, 0);
        if (succeeded != handles.size()) {
            f.add("every render task succeeded, but the final states are " + r.states());
        }
        for (TaskHandle h : handles) {
            int n = r.runsPerTask().getOrDefault(h.id(), 0);
            if (n != 1) {
                f.add("render task " + h.id() + " ran exactly once, but ran " + n + " times");
            }
        }
        if (r.runsPerTask().size() != handles.size()) {
            f.add("handlers ran for " + r.runsPerTask().size() + " tasks, but " + handles.size() + " were submitted");
        }
    }

    private static void printSetup(PrintStream out) {
        out.println("== Elastic scaling: a burst on a pool sized by the autoscaler (virtual time)");
        out.printf(
                "Pool '%s': workers of %d slots, each render takes %d s; policy %s%n",
                POOL, SLOTS, RENDER_TIME.toSeconds(), POLICY);
        out.printf(
                "%d tasks arrive at t+%ds, and one more every %d s until t+%ds%n",
                BURST, BURST_AT.toSeconds(), POLICY.evaluationInterval().toSeconds(), TRICKLE_FOR.toSeconds());
    }

    /** The series as runs of equal counts: {@code 1 (t+0s..t+105s) -> 2 (t+120s) -> ...}. */
    private static void printSeries(PrintStream out, Instant start, List<Integer> series) {
        long step = POLICY.evaluationInterval().toSeconds();
        StringBuilder sb = new StringBuilder("Workers after each evaluation:");
        int from = 0;
        for (int i = 1; i <= series.size(); i++) {
            if (i == series.size() || !series.get(i).equals(series.get(from))) {
                sb.append(from == 0 ? " " : " -> ").append(series.get(from));
                sb.append(
                        i - 1 == from
                                ? " (t+" + from * step + "s)"
                                : " (t+" + from * step + "s..t+" + (i - 1) * step + "s)");
                from = i;
            }
        }
        out.println(sb);
        out.println("Every evaluation, in order: " + series);
    }

    private static void printDecisions(PrintStream out, Instant start, List<ScalingDecision> decisions) {
        out.printf("Decisions recorded in stream %s (%d)%n", ScalingEvents.stream(POOL), decisions.size());
        out.printf("  %-9s %5s %7s %11s %-19s %s%n", "time", "depth", "workers", "recommended", "reason", "message");
        for (ScalingDecision d : decisions) {
            out.printf(
                    "  %-9s %5d %7s %11d %-19s %s%n",
                    DecisionLog.time(Duration.between(start, d.at())),
                    d.depth(),
                    d.currentWorkers() + "->" + d.desiredWorkers(),
                    d.recommendedWorkers(),
                    d.reason(),
                    d.message());
        }
    }
}
