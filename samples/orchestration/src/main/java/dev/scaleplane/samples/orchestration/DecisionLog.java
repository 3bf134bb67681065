package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The sample's dispatch strategy, {@code health.then(regionFilter).then(chooser)}, wrapped so that every decision
 * and every health change is written down with its reason.
 *
 * <p>It only observes: decisions are the composite's, and what it records is derived through the public
 * {@link DispatchStrategy} API ({@link DispatchStrategy#eligible} is side-effect free, so asking the health filter
 * whether it admits a worker changes nothing). Per worker it also counts tasks running between
 * {@link #onDispatched} and their outcome, so the sample can check that no worker ever ran more than its slots.
 *
 * <p>Thread-safe: every method is synchronized (the orchestrator calls {@code choose} under its own lock and the
 * outcome callbacks outside it).
 */
final class DecisionLog implements DispatchStrategy {

    /** A worker as the health filter sees it, from this log's observations. */
    enum Status {
        /** Admitted and not on probation. */
        IN_ROTATION,
        /** Ejected; waits for its cool-down. */
        EJECTED,
        /** Cooled down: the next task it gets is the probe. */
        HALF_OPEN,
        /** The probe runs; no other task goes to it. */
        PROBING
    }

    /**
     * One row of the decision table.
     *
     * @param at time since the start
     * @param task {@code deploymentId/cluster}
     * @param attempt the attempt's number
     * @param region the cluster's region, which the worker's label must match
     * @param worker the chosen worker, or {@code -} when the task had to wait
     * @param why why this worker, and why not the others of the region
     */
    record Decision(Duration at, String task, int attempt, String region, String worker, String why) {}

    /** One change of a worker's health status, with the reason. */
    record HealthEvent(Duration at, String worker, Status status, String what) {}

    /** What happened to one worker over the run. */
    record WorkerTally(
            String worker, int dispatched, int succeeded, int failed, int maxRunning, int ejections, int returns) {}

    private final DispatchStrategy health;
    private final DispatchStrategy regionFilter;
    private final DispatchStrategy composite;
    private final TaskClock clock;
    private final Instant start;
    private final Duration coolDown;
    private final Map<String, WorkerSpec> specs = new LinkedHashMap<>();
    private final Task healthQuestion;

    private final Map<String, Status> status = new HashMap<>();
    private final Map<String, Instant> ejectedAt = new HashMap<>();
    private final Map<String, List<Boolean>> outcomes = new HashMap<>();
    private final Map<String, int[]> tallies = new HashMap<>();
    private final Map<String, String> pendingWhy = new HashMap<>();
    private final Set<String> waiting = new HashSet<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<HealthEvent> healthEvents = new ArrayList<>();

    // Indexes into a tally: dispatched, succeeded, failed, running, maxRunning, ejections, returns, successes after a
    // return.
    private static final int DISPATCHED = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;
    private static final int RUNNING = 3;
    private static final int MAX_RUNNING = 4;
    private static final int EJECTIONS = 5;
    private static final int RETURNS = 6;
    private static final int AFTER_RETURN = 7;

    /**
     * @param health the health filter, whose {@code eligible} says whether it admits a worker
     * @param regionFilter the label constraint
     * @param chooser picks among what the filters kept
     * @param coolDown the health policy's cool-down, to date the end of an ejection
     */
    DecisionLog(
            DispatchStrategy health,
            DispatchStrategy regionFilter,
            DispatchStrategy chooser,
            List<WorkerSpec> workers,
            TaskClock clock,
            Duration coolDown) {
        this.health = health;
        this.regionFilter = regionFilter;
        this.composite = health.then(regionFilter).then(chooser);
        this.clock = clock;
        this.start = clock.now();
        this.coolDown = coolDown;
        for (WorkerSpec w : workers) {
            specs.put(w.id(), w);
            status.put(w.id(), Status.IN_ROTATION);
            tallies.put(w.id(), new int[8]);
            outcomes.put(w.id(), new ArrayList<>());
        }
        healthQuestion = new Task("health-question", TaskRequest.of("health-question", "none"), 1, 1, start);
    }

    @Override
    public synchronized Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        observe();
        ClusterDeployment d = task.payload(ClusterDeployment.class);
        List<? extends WorkerView> available = DispatchStrategy.available(candidates);
        List<? extends WorkerView> inRegion = regionFilter.eligible(task, available);
        List<? extends WorkerView> admitted = health.eligible(task, inRegion);
        Optional<WorkerView> chosen = composite.choose(task, candidates);

        StringJoiner passedOver = new StringJoiner(", ");
        for (WorkerView w : candidates) {
            if (!d.region().equals(Fleet.regionOf(w.spec())) || (chosen.isPresent() && chosen.get() == w)) {
                continue;
            }
            if (!w.healthy()) {
                passedOver.add(w.id() + " missed heartbeats");
            } else if (w.freeSlots() == 0) {
                passedOver.add(w.id() + " full " + w.inFlight() + "/" + w.spec().slots());
            } else if (!admitted.contains(w)) {
                passedOver.add(w.id() + " " + describe(status.get(w.id())));
            }
        }
        String taskKey = d.key();
        if (chosen.isPresent()) {
            WorkerView w = chosen.get();
            String why = status.get(w.id()) == Status.HALF_OPEN
                    ? "probe: first task after its cool-down"
                    : admitted.size() == 1
                            ? "only eligible " + d.region() + " worker"
                            : "weighted turn among " + names(admitted);
            pendingWhy.put(task.id(), passedOver.length() == 0 ? why : why + "; passed over " + passedOver);
            waiting.remove(task.id() + "#" + task.attempt());
        } else if (waiting.add(task.id() + "#" + task.attempt())) {
            decisions.add(new Decision(
                    since(clock.now()),
                    taskKey,
                    task.attempt(),
                    d.region(),
                    "-",
                    "no worker now, waits: "
                            + (passedOver.length() == 0 ? "no " + d.region() + " worker" : passedOver)));
        }
        return chosen;
    }

    @Override
    public synchronized <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        return composite.eligible(task, candidates);
    }

    @Override
    public synchronized void onDispatched(Task task, WorkerView worker) {
        composite.onDispatched(task, worker);
        int[] t = tallies.get(worker.id());
        t[DISPATCHED]++;
        t[RUNNING]++;
        t[MAX_RUNNING] = Math.max(t[MAX_RUNNING], t[RUNNING]);
        ClusterDeployment d = task.payload(ClusterDeployment.class);
        if (status.get(worker.id()) == Status.HALF_OPEN) {
            change(worker.id(), Status.PROBING, clock.now(), "probe dispatched: " + d.key());
        }
        String why = pendingWhy.remove(task.id());
        decisions.add(new Decision(
                since(clock.now()),
                d.key(),
                task.attempt(),
                d.region(),
                worker.id(),
                why != null ? why : "(chosen outside this log)"));
    }

    @Override
    public synchronized void onSuccess(WorkerView worker, Duration elapsed) {
        composite.onSuccess(worker, elapsed);
        int[] t = tallies.get(worker.id());
        t[SUCCEEDED]++;
        t[RUNNING]--;
        if (t[RETURNS] > 0) {
            t[AFTER_RETURN]++;
        }
        outcomes.get(worker.id()).add(true);
        if (status.get(worker.id()) == Status.PROBING && admits(worker.id())) {
            t[RETURNS]++;
            change(worker.id(), Status.IN_ROTATION, clock.now(), "probe succeeded: back in rotation");
        }
    }

    @Override
    public synchronized void onFailure(WorkerView worker, Throwable failure) {
        composite.onFailure(worker, failure);
        int[] t = tallies.get(worker.id());
        t[FAILED]++;
        t[RUNNING]--;
        List<Boolean> o = outcomes.get(worker.id());
        o.add(false);
        Status s = status.get(worker.id());
        if ((s == Status.IN_ROTATION || s == Status.PROBING) && !admits(worker.id())) {
            t[EJECTIONS]++;
            ejectedAt.put(worker.id(), clock.now());
            String what = s == Status.PROBING
                    ? "probe failed: ejected again for " + coolDown.toSeconds() + " s"
                    : "ejected for " + coolDown.toSeconds() + " s: " + failuresInARow(o) + " failures in a row, "
                            + failuresOfLast(o, 10) + " of its last " + Math.min(10, o.size()) + " outcomes failed";
            change(worker.id(), Status.EJECTED, clock.now(), what);
        }
    }

    /** Notes workers whose cool-down is over (half-open); called before each decision and by the sample's loop. */
    synchronized void observe() {
        for (String id : specs.keySet()) {
            if (status.get(id) == Status.EJECTED && admits(id)) {
                Instant at = ejectedAt.get(id).plus(coolDown);
                change(id, Status.HALF_OPEN, at, "cool-down over: half-open, its next task is a probe");
            }
        }
    }

    /** Whether the health filter admits the worker now; asking changes nothing. */
    private boolean admits(String workerId) {
        return !health.eligible(healthQuestion, List.of(WorkerView.of(specs.get(workerId), 0, true)))
                .isEmpty();
    }

    private void change(String workerId, Status to, Instant at, String what) {
        status.put(workerId, to);
        healthEvents.add(new HealthEvent(since(at), workerId, to, what));
    }

    private static String describe(Status s) {
        return switch (s) {
            case IN_ROTATION -> "not admitted";
            case EJECTED -> "ejected";
            case HALF_OPEN -> "half-open";
            case PROBING -> "probing";
        };
    }

    private static String names(List<? extends WorkerView> workers) {
        StringJoiner j = new StringJoiner(" ");
        for (WorkerView w : workers) {
            j.add(w.id() + "(w" + w.spec().weight() + ")");
        }
        return j.toString();
    }

    private static int failuresInARow(List<Boolean> outcomes) {
        int n = 0;
        for (int i = outcomes.size() - 1; i >= 0 && !outcomes.get(i); i--) {
            n++;
        }
        return n;
    }

    private static int failuresOfLast(List<Boolean> outcomes, int last) {
        int n = 0;
        for (int i = Math.max(0, outcomes.size() - last); i < outcomes.size(); i++) {
            n += outcomes.get(i) ? 0 : 1;
        }
        return n;
    }

    private Duration since(Instant at) {
        return Duration.between(start, at);
    }

    /** The decisions so far, in order. */
    synchronized List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** The health changes so far, in order. */
    synchronized List<HealthEvent> healthEvents() {
        return List.copyOf(healthEvents);
    }

    /** The tallies of every worker, in registration order. */
    synchronized List<WorkerTally> tallies() {
        List<WorkerTally> rows = new ArrayList<>();
        specs.keySet().forEach(id -> {
            int[] t = tallies.get(id);
            rows.add(new WorkerTally(
                    id, t[DISPATCHED], t[SUCCEEDED], t[FAILED], t[MAX_RUNNING], t[EJECTIONS], t[RETURNS]));
        });
        return rows;
    }

    /** Tasks a worker completed successfully after it first came back from an ejection (the probe not counted). */
    synchronized int successesAfterReturn(String workerId) {
        return tallies.get(workerId)[AFTER_RETURN];
    }

    /** Renders a duration since the start as {@code t+12.5s}. */
    static String time(Duration at) {
        return String.format(Locale.ROOT, "t+%.1fs", at.toMillis() / 1000.0);
    }

    @Override
    public String toString() {
        return composite.toString();
    }
}
