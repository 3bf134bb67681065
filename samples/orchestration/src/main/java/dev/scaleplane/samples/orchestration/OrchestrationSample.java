package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.DispatchStrategies;
import dev.scaleplane.core.orchestration.HealthPolicy;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The Scaleplane orchestration sample: deployment requests published on the event bus become one task per target
 * cluster on the platform's task queue, and an {@link Orchestrator} dispatches them to deploy agents.
 *
 * <ul>
 *   <li>Agents are worker pools of different slots and weights in two regions ({@link Fleet}); a task may only run
 *       on an agent of its cluster's region (a label constraint).
 *   <li>The strategy is composed: {@code healthBased(policy, clock)}, then the region filter, then
 *       {@code smoothWeighted()}, so traffic is shared by weight among the healthy agents of the right region, and
 *       no agent ever gets more tasks than its slots.
 *   <li>{@code eu-flaky} fails most rollouts for the first 40 seconds: the health filter ejects it, probes it after
 *       each cool-down, and takes it back once a probe succeeds. Failed rollouts are retried, on the other agents once
 *       it is ejected.
 * </ul>
 *
 * The queue and orchestrator run on a {@link VirtualTaskClock}, and each rollout takes 4 seconds of virtual time: the
 * run covers about 80 seconds of rollouts in about a second of real time. It prints every dispatch decision with
 * its reason, the health changes, the final state of every task and the metrics, checks every expectation and exits
 * with status 1 if one was not met.
 *
 * <p>A second step, {@link BurstScaling}, shows elastic scaling: a worker pool sized by an autoscaler from the queue's
 * backlog grows under a burst and shrinks back after the scale-down window, on virtual time too.
 */
public final class OrchestrationSample {

    /** The topic deployment requests are published to. */
    static final String DEPLOYMENTS_TOPIC = "deployments";

    /** Waves of requests, one every {@link #WAVE_EVERY}. */
    static final int WAVES = 16;

    /** Requests per wave. */
    static final int PER_WAVE = 4;

    /** Virtual time between waves. */
    static final Duration WAVE_EVERY = Duration.ofSeconds(5);

    /** How long one rollout runs, on the virtual clock. */
    static final Duration ROLLOUT_TIME = Duration.ofSeconds(4);

    /** The health policy: eject after 3 failures in a row or more than half of the last 10; probe after 15 s. */
    static final HealthPolicy HEALTH = HealthPolicy.builder()
            .consecutiveFailures(3)
            .failureRateThreshold(0.5)
            .slidingWindowSize(10)
            .minimumCalls(5)
            .coolDown(Duration.ofSeconds(15))
            .build();

    /**
     * The queue's retry policy for cluster deployments: 5 attempts, 1 s apart. No jitter, so the run is the same every
     * time; a fleet of real agents would keep the default full jitter so that retries do not arrive in lockstep.
     */
    static final RetryPolicy ROLLOUT_RETRIES = RetryPolicy.builder()
            .maxAttempts(5)
            .fixed(Duration.ofSeconds(1))
            .jitter(0)
            .build();

    /** The step the virtual clock advances by, also the orchestrator's poll interval. */
    private static final Duration STEP = Duration.ofMillis(500);

    /** How much virtual time the tasks get to finish after the last wave; far more than they need. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(10);

    /** How long (real time) the run waits for the bus to hand a wave to the planner; far more than it needs. */
    private static final Duration BUS_TIMEOUT = Duration.ofSeconds(30);

    private static final URI DEPLOY_API = URI.create("/platform/deploy-api");

    private OrchestrationSample() {}

    /**
     * Runs the sample; exits with status 1 if an expectation was not met. The platform's meters (the orchestrator's
     * among them) are served for Prometheus on 127.0.0.1, port {@code -Dscaleplane.sample.metrics-port} (default any
     * free port, printed); {@code -Dscaleplane.sample.metrics-hold-seconds=60} keeps them up for a minute after the run.
     */
    public static void main(String[] args) throws Exception {
        long holdSeconds = Long.getLong("scaleplane.sample.metrics-hold-seconds", 0);
        Outcome outcome = run(System.out, port -> {
            if (holdSeconds > 0) {
                System.out.printf("serving http://127.0.0.1:%d/metrics for %d s%n", port, holdSeconds);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(holdSeconds));
            }
        });
        if (!outcome.ok()) {
            System.err.println(
                    "orchestration sample FAILED: " + outcome.failures().size() + " expectation(s) not met:");
            outcome.failures().forEach(f -> System.err.println("  - " + f));
            System.exit(1);
        }
    }

    /**
     * What a run observed.
     *
     * @param requests deployment requests the planner handled
     * @param expectedTasks tasks the requests call for, one per target cluster
     * @param states how many planned tasks ended in each state
     * @param deadLetters the dead letters of the planned tasks
     * @param unexplained dead-lettered tasks whose failures were not all reported by the flaky agent
     * @param decisions the dispatch decisions, in order
     * @param healthEvents the health changes, in order
     * @param tallies per worker: dispatched, outcomes, most tasks running at once, ejections, returns
     * @param flakySuccessesAfterReturn tasks the flaky agent completed after it came back
     * @param slotViolations snapshots in which a worker had more tasks in flight than slots
     * @param wrongRegion tasks an agent was given for a cluster outside its region
     * @param metrics the Micrometer figures
     * @param virtualElapsed how much virtual time the run took
     * @param scaling what the elastic-scaling step ({@link BurstScaling}) observed
     * @param failures the expectations that were not met; empty when the run went as expected
     */
    record Outcome(
            int requests,
            int expectedTasks,
            Map<TaskState, Integer> states,
            List<TaskDeadLetter> deadLetters,
            List<String> unexplained,
            List<DecisionLog.Decision> decisions,
            List<DecisionLog.HealthEvent> healthEvents,
            List<DecisionLog.WorkerTally> tallies,
            int flakySuccessesAfterReturn,
            List<String> slotViolations,
            List<String> wrongRegion,
            TaskMetrics metrics,
            Duration virtualElapsed,
            BurstScaling.Result scaling,
            List<String> failures) {

        boolean ok() {
            return failures.isEmpty();
        }

        int count(TaskState state) {
            return states.getOrDefault(state, 0);
        }

        DecisionLog.WorkerTally tally(String worker) {
            return tallies.stream()
                    .filter(t -> t.worker().equals(worker))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** A task may run only on a worker whose {@code region} label is its cluster's region. */
    static final class SameRegion implements BiPredicate<Task, WorkerView> {
        @Override
        public boolean test(Task task, WorkerView worker) {
            return task.payload(ClusterDeployment.class).region().equals(Fleet.regionOf(worker.spec()));
        }

        @Override
        public String toString() {
            return "worker label region = the cluster's region";
        }
    }

    /**
     * Runs the whole scenario, printing to {@code out}.
     *
     * @param whileServing called with the Prometheus endpoint's port once the scenario is over and before the
     *     orchestrator, the platform and the endpoint close
     */
    static Outcome run(PrintStream out, IntConsumer whileServing) throws Exception {
        long realStart = System.nanoTime();
        VirtualTaskClock clock = new VirtualTaskClock();
        Instant start = clock.now();
        // Micrometer's Prometheus registry: the README's "A Prometheus endpoint".
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> failures = new ArrayList<>();
        List<String> slotViolations = new ArrayList<>();

        try (ScaleplanePlatform platform = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                "scaleplane.events.provider", "memory",
                                // Nothing here needs an audit trail; the in-memory store keeps the run free of files.
                                "scaleplane.store.provider", "memory",
                                "scaleplane.tasks.provider", "memory")))
                        .taskClock(clock)
                        .taskQueueOptions(TaskQueueOptions.builder()
                                .retryPolicy(ClusterDeployment.TASK_TYPE, ROLLOUT_RETRIES)
                                .build())
                        .meterRegistry(meters)
                        .build();
                HTTPServer metricsEndpoint = HTTPServer.builder()
                        .hostname("127.0.0.1")
                        .port(Integer.getInteger("scaleplane.sample.metrics-port", 0))
                        .registry(meters.getPrometheusRegistry())
                        .buildAndStart()) {
            out.printf("Prometheus endpoint: http://127.0.0.1:%d/metrics%n%n", metricsEndpoint.getPort());
            EventBus events = platform.events();
            TaskQueue queue = platform.tasks();

            DispatchStrategy health = DispatchStrategies.healthBased(HEALTH, clock);
            DecisionLog log = new DecisionLog(
                    health,
                    DispatchStrategies.filter(new SameRegion()),
                    DispatchStrategies.smoothWeighted(),
                    Fleet.WORKERS,
                    clock,
                    HEALTH.coolDown());
            Map<String, Fleet.Agent> agents = new LinkedHashMap<>();
            Instant flakyUntil = start.plus(Fleet.FLAKY_BROKEN_FOR);

            try (Orchestrator orchestrator = Orchestrator.builder(queue)
                    .name("rollouts")
                    .strategy(log)
                    .clock(clock)
                    // A rollout is simulated as ROLLOUT_TIME on the virtual clock: the agent is called when it is over.
                    .executor(attempt -> clock.schedule(ROLLOUT_TIME, attempt))
                    .pollInterval(STEP)
                    .heartbeatInterval(Duration.ofSeconds(5))
                    .visibilityTimeout(Duration.ofSeconds(30))
                    .closeTimeout(Duration.ofSeconds(1))
                    .meterRegistry(meters)
                    .build()) {
                for (WorkerSpec spec : Fleet.WORKERS) {
                    Fleet.Agent agent =
                            new Fleet.Agent(spec, clock, spec.id().equals(Fleet.FLAKY) ? flakyUntil : start);
                    agents.put(spec.id(), agent);
                    orchestrator.register(spec, agent);
                }
                orchestrator.start();

                // The planner handles requests one at a time in arrival order (one ordering key), so the tasks
                // enter the queue in the same order on every run.
                DeploymentPlanner planner = new DeploymentPlanner(queue);
                events.subscribe(
                        SubscriptionOptions.of(DEPLOYMENTS_TOPIC, "planner"), DeploymentRequested.TYPE, planner);

                printSetup(out, log);

                for (int wave = 0; wave < WAVES; wave++) {
                    for (DeploymentRequested request : DeploymentStream.wave(wave, PER_WAVE)) {
                        Event<DeploymentRequested> event = Event.builder(DeploymentRequested.TYPE, request)
                                .source(DEPLOY_API)
                                .subject(request.deploymentId())
                                .partitionKey("deploy-api")
                                .tenant("team-" + request.application())
                                .traceparent(TraceParent.newRoot())
                                .build();
                        events.publish(DEPLOYMENTS_TOPIC, event).get(BUS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    }
                    int published = (wave + 1) * PER_WAVE;
                    if (!awaitReal(() -> planner.eventsHandled() >= published)) {
                        failures.add("the planner handled " + planner.eventsHandled() + " of " + published
                                + " requests within " + BUS_TIMEOUT);
                        break;
                    }
                    advance(clock, orchestrator, log, WAVE_EVERY, slotViolations);
                }
                // Let every task finish: retries, probes and the last wave.
                Duration settled = Duration.ZERO;
                while (!allDone(planner.handles()) && settled.compareTo(SETTLE_LIMIT) < 0) {
                    advance(clock, orchestrator, log, STEP, slotViolations);
                    settled = settled.plus(STEP);
                }
                Duration elapsed = Duration.between(start, clock.now());

                Map<String, TaskHandle> handles = planner.handles();
                Map<String, ClusterDeployment> planned = planner.deployments();
                Map<TaskState, Integer> states = new EnumMap<>(TaskState.class);
                List<TaskDeadLetter> deadLetters = new ArrayList<>();
                List<String> unexplained = new ArrayList<>();
                for (Map.Entry<String, TaskHandle> e : handles.entrySet()) {
                    TaskState state = e.getValue().state();
                    states.merge(state, 1, Integer::sum);
                    if (state == TaskState.DEAD_LETTERED) {
                        TaskDeadLetter letter =
                                queue.deadLetters().find(e.getValue().id()).orElse(null);
                        if (letter == null) {
                            unexplained.add(e.getKey() + ": dead-lettered without a dead letter");
                        } else {
                            deadLetters.add(letter);
                            if (!letter.failures().stream().allMatch(OrchestrationSample::byFlakyAgent)) {
                                unexplained.add(e.getKey() + ": failures not all from " + Fleet.FLAKY);
                            }
                        }
                    } else if (state != TaskState.SUCCEEDED) {
                        unexplained.add(e.getKey() + " ended " + state);
                    }
                }
                List<String> wrongRegion = new ArrayList<>();
                agents.values().forEach(a -> wrongRegion.addAll(a.wrongRegion()));
                int expectedTasks = 0;
                for (int wave = 0; wave < WAVES; wave++) {
                    for (DeploymentRequested r : DeploymentStream.wave(wave, PER_WAVE)) {
                        expectedTasks += r.clusters().size();
                    }
                }
                TaskMetrics metrics = TaskMetrics.read(
                        meters, Fleet.WORKERS.stream().map(WorkerSpec::id).toList(), elapsed);

                printDecisions(out, log.decisions());
                printHealth(out, log.healthEvents());
                printTasks(out, handles, planned, states, deadLetters);
                printWorkers(out, orchestrator.workers(), log.tallies());
                // The strategy's callbacks and the agents' own counts must tell the same story.
                for (DecisionLog.WorkerTally t : log.tallies()) {
                    Fleet.Agent agent = agents.get(t.worker());
                    expect(
                            failures,
                            t.worker() + " successes reported to the strategy",
                            agent.succeeded(),
                            t.succeeded());
                    expect(failures, t.worker() + " failures reported to the strategy", agent.failed(), t.failed());
                }
                out.printf(
                        Locale.ROOT,
                        "Virtual time covered: %.1f s, in %d ms of real time%n%n",
                        elapsed.toMillis() / 1000.0,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - realStart));
                out.println("Metrics (Micrometer registry; times on the virtual clock)");
                out.println(metrics.render());

                // The second step: a pool that the autoscaler grows under a burst and shrinks after the window.
                BurstScaling.Result scaling = BurstScaling.run(out);
                failures.addAll(scaling.failures());

                Outcome outcome = new Outcome(
                        planner.eventsHandled(),
                        expectedTasks,
                        states,
                        deadLetters,
                        unexplained,
                        log.decisions(),
                        log.healthEvents(),
                        log.tallies(),
                        log.successesAfterReturn(Fleet.FLAKY),
                        slotViolations,
                        wrongRegion,
                        metrics,
                        elapsed,
                        scaling,
                        failures);
                check(outcome, handles.size());
                out.println(
                        outcome.ok()
                                ? "OK: every expectation met."
                                : "FAILED: " + failures.size() + " expectation(s) not met (listed on standard error).");
                whileServing.accept(metricsEndpoint.getPort());
                return outcome;
            }
        }
    }

    /** Compares what happened with what the scenario guarantees; adds a message per difference. */
    private static void check(Outcome o, int planned) {
        List<String> f = o.failures();
        expect(f, "requests handled by the planner", WAVES * PER_WAVE, o.requests());
        expect(f, "tasks planned (one per target cluster)", o.expectedTasks(), planned);
        expect(
                f,
                "tasks that ended succeeded or dead-lettered",
                planned,
                o.count(TaskState.SUCCEEDED) + o.count(TaskState.DEAD_LETTERED));
        if (!o.unexplained().isEmpty()) {
            f.add("tasks not succeeded and not explained by the flaky agent: " + o.unexplained());
        }
        for (DecisionLog.WorkerTally t : o.tallies()) {
            WorkerSpec spec = Fleet.WORKERS.stream()
                    .filter(w -> w.id().equals(t.worker()))
                    .findFirst()
                    .orElseThrow();
            if (t.maxRunning() > spec.slots()) {
                f.add(t.worker() + " ran " + t.maxRunning() + " tasks at once, above its " + spec.slots() + " slots");
            }
            if (!t.worker().equals(Fleet.FLAKY)) {
                expect(f, t.worker() + " failures", 0, t.failed());
                expect(f, t.worker() + " ejections", 0, t.ejections());
            }
        }
        if (!o.slotViolations().isEmpty()) {
            f.add("workers above their slots in Orchestrator.workers(): " + o.slotViolations());
        }
        if (!o.wrongRegion().isEmpty()) {
            f.add("tasks run outside their cluster's region: " + o.wrongRegion());
        }
        DecisionLog.WorkerTally flaky = o.tally(Fleet.FLAKY);
        if (flaky.ejections() < 1) {
            f.add(Fleet.FLAKY + " was never ejected");
        }
        if (flaky.returns() < 1) {
            f.add(Fleet.FLAKY + " never came back after a probe");
        }
        if (o.flakySuccessesAfterReturn() < 1) {
            f.add(Fleet.FLAKY + " completed no task after it came back");
        }

        TaskMetrics m = o.metrics();
        int dispatched = o.tallies().stream()
                .mapToInt(DecisionLog.WorkerTally::dispatched)
                .sum();
        int failed =
                o.tallies().stream().mapToInt(DecisionLog.WorkerTally::failed).sum();
        expect(f, "metric scaleplane.tasks.submitted", planned, m.submitted());
        expect(f, "metric scaleplane.tasks.succeeded", o.count(TaskState.SUCCEEDED), m.succeeded());
        expect(f, "metric scaleplane.tasks.dead_lettered", o.count(TaskState.DEAD_LETTERED), m.deadLettered());
        // Every failed attempt is either retried or, on the last attempt, dead-lettered.
        expect(f, "metric scaleplane.tasks.retried", failed - o.count(TaskState.DEAD_LETTERED), m.retried());
        expect(f, "metric scaleplane.tasks.lease.expired", 0, m.leaseExpired());
        expect(f, "metric scaleplane.orchestrator.dispatched", dispatched, m.dispatched());
        expect(f, "metric scaleplane.orchestrator.failed", failed, m.handlerFailures());
        expect(f, "metric scaleplane.orchestrator.lease.lost", 0, m.leaseLost());
        if (Double.isNaN(m.executionMillis()[1])) {
            f.add("metric scaleplane.orchestrator.execution has no p95");
        }
    }

    private static boolean byFlakyAgent(TaskFailure failure) {
        return failure.exceptionType().equals(Fleet.RolloutFailedException.class.getName())
                && failure.message().startsWith(Fleet.FLAKY + ":");
    }

    /** Advances virtual time by {@code span} in steps, checking the workers' slots after each. */
    private static void advance(
            VirtualTaskClock clock,
            Orchestrator orchestrator,
            DecisionLog log,
            Duration span,
            List<String> slotViolations) {
        for (Duration done = Duration.ZERO; done.compareTo(span) < 0; done = done.plus(STEP)) {
            clock.advance(STEP);
            log.observe();
            for (WorkerView w : orchestrator.workers()) {
                if (w.inFlight() > w.spec().slots()) {
                    slotViolations.add(
                            w.id() + " " + w.inFlight() + "/" + w.spec().slots() + " at " + clock.now());
                }
            }
        }
    }

    private static boolean allDone(Map<String, TaskHandle> handles) {
        return handles.values().stream().allMatch(h -> h.state().isTerminal());
    }

    private static void expect(List<String> failures, String what, Object expected, Object actual) {
        boolean equal = expected instanceof Number e && actual instanceof Number a
                ? e.longValue() == a.longValue()
                : Objects.equals(expected, actual);
        if (!equal) {
            failures.add(what + ": expected " + expected + ", but was " + actual);
        }
    }

    private static void printSetup(PrintStream out, DispatchStrategy strategy) {
        out.printf(
                "Scaleplane orchestration sample: %d deployment requests in %d waves, one task per target cluster%n",
                WAVES * PER_WAVE, WAVES);
        out.printf(
                "Virtual time: a wave every %d s, each rollout takes %d s; %s is broken for the first %d s%n%n",
                WAVE_EVERY.toSeconds(), ROLLOUT_TIME.toSeconds(), Fleet.FLAKY, Fleet.FLAKY_BROKEN_FOR.toSeconds());
        out.println("Workers");
        out.printf("  %-10s %-6s %5s %6s%n", "id", "region", "slots", "weight");
        for (WorkerSpec w : Fleet.WORKERS) {
            out.printf("  %-10s %-6s %5d %6d%n", w.id(), Fleet.regionOf(w), w.slots(), w.weight());
        }
        out.println("Strategy: " + strategy);
        out.println("Health:   " + HEALTH);
        out.println();
    }

    private static void printDecisions(PrintStream out, List<DecisionLog.Decision> decisions) {
        out.printf("Dispatch decisions (%d)%n", decisions.size());
        out.printf("  %-8s %-22s %3s %-6s %-10s %s%n", "time", "task", "att", "region", "worker", "why");
        for (DecisionLog.Decision d : decisions) {
            out.printf(
                    "  %-8s %-22s %3d %-6s %-10s %s%n",
                    DecisionLog.time(d.at()), d.task(), d.attempt(), d.region(), d.worker(), d.why());
        }
        out.println();
    }

    private static void printHealth(PrintStream out, List<DecisionLog.HealthEvent> events) {
        out.println("Health changes (health-based strategy)");
        if (events.isEmpty()) {
            out.println("  none");
        }
        for (DecisionLog.HealthEvent e : events) {
            out.printf("  %-8s %-10s %-11s %s%n", DecisionLog.time(e.at()), e.worker(), e.status(), e.what());
        }
        out.println();
    }

    private static void printTasks(
            PrintStream out,
            Map<String, TaskHandle> handles,
            Map<String, ClusterDeployment> planned,
            Map<TaskState, Integer> states,
            List<TaskDeadLetter> deadLetters) {
        out.printf("Tasks: %d planned; final states %s%n", handles.size(), states);
        for (TaskDeadLetter letter : deadLetters) {
            out.printf(
                    "  dead letter %s (%s after %d attempts), last failure: %s%n",
                    letter.taskId(),
                    letter.reason(),
                    letter.failures().size(),
                    letter.lastFailure().message());
        }
        // One retried task in full: where each attempt went is in the decision table, the result is on the handle.
        for (Map.Entry<String, TaskHandle> e : handles.entrySet()) {
            TaskHandle h = e.getValue();
            if (h.state() == TaskState.SUCCEEDED && h.result().isDone()) {
                ClusterDeployment d = planned.get(e.getKey());
                out.printf(
                        "  e.g. %s (%s %s): %s%n",
                        e.getKey(), d.application(), d.version(), h.result().join());
                break;
            }
        }
        out.println();
    }

    private static void printWorkers(PrintStream out, List<WorkerView> views, List<DecisionLog.WorkerTally> tallies) {
        out.println("Workers at the end (Orchestrator.workers()) and over the run");
        out.printf(
                "  %-10s %5s %9s %7s %10s %9s %6s %8s %9s %7s%n",
                "id",
                "slots",
                "in-flight",
                "healthy",
                "dispatched",
                "succeeded",
                "failed",
                "max-busy",
                "ejections",
                "returns");
        for (WorkerView v : views) {
            DecisionLog.WorkerTally t = tallies.stream()
                    .filter(x -> x.worker().equals(v.id()))
                    .findFirst()
                    .orElseThrow();
            out.printf(
                    Locale.ROOT,
                    "  %-10s %5d %9d %7s %10d %9d %6d %8d %9d %7d%n",
                    v.id(),
                    v.spec().slots(),
                    v.inFlight(),
                    v.healthy() ? "yes" : "no",
                    t.dispatched(),
                    t.succeeded(),
                    t.failed(),
                    t.maxRunning(),
                    t.ejections(),
                    t.returns());
        }
        out.println();
    }

    /** Polls {@code condition} in real time until it holds or {@link #BUS_TIMEOUT} passes. */
    private static boolean awaitReal(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BUS_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
