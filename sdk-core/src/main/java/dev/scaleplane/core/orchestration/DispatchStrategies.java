package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.internal.dispatch.CapacityAwareStrategy;
import dev.scaleplane.core.internal.dispatch.FilterStrategy;
import dev.scaleplane.core.internal.dispatch.HealthBasedStrategy;
import dev.scaleplane.core.internal.dispatch.LeastConnectionsStrategy;
import dev.scaleplane.core.internal.dispatch.RoundRobinStrategy;
import dev.scaleplane.core.internal.dispatch.SmoothWeightedStrategy;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * The built-in {@link DispatchStrategy dispatch strategies}.
 *
 * <p>Every strategy returned here is thread-safe, never chooses a worker that is {@linkplain
 * dev.scaleplane.api.orchestration.WorkerView#healthy() unhealthy} or has no {@linkplain
 * dev.scaleplane.api.orchestration.WorkerView#freeSlots() free slot}, and breaks ties deterministically (by candidate
 * order or worker id, as each method says), so a test with a fixed worker list sees a fixed sequence of decisions.
 *
 * <p>Strategies compose with {@link DispatchStrategy#then}: the filters ({@link #healthBased}, {@link #filter},
 * {@link #requireLabels}) narrow the candidates and the last strategy chooses, for example
 * {@code healthBased(policy, clock).then(capacityAware(Map.of("zone", "eu")))}. Each part of a composite receives
 * every callback.
 * Stateful strategies (round-robin, weighted, health-based) keep their state per instance: share one instance across
 * the dispatchers that should share the rotation, and create one per queue otherwise.
 */
public final class DispatchStrategies {

    private DispatchStrategies() {}

    /**
     * Round-robin over the candidates with a free slot: each decision takes the next candidate after the previous
     * choice in candidate order, wrapping around and skipping full or unhealthy workers. With a fixed list of workers
     * {@code a, b, c} that always have room the choices are {@code a, b, c, a, b, c, ...}; while {@code b} is full,
     * {@code a, c, a, c, ...}.
     */
    public static DispatchStrategy roundRobin() {
        return new RoundRobinStrategy();
    }

    /**
     * The available worker with the fewest tasks in flight ({@link
     * dev.scaleplane.api.orchestration.WorkerView#inFlight()}); ties go to the smallest id, so equal load gives a
     * fixed choice. Stateless: it relies on the in-flight counts of the views it is given.
     */
    public static DispatchStrategy leastConnections() {
        return new LeastConnectionsStrategy();
    }

    /**
     * Smooth weighted round-robin, the nginx algorithm: on each decision every available worker's current weight
     * grows by its {@linkplain dev.scaleplane.api.orchestration.WorkerSpec#weight() weight}, the worker with the
     * largest current weight is chosen (the first in candidate order on a tie) and its current weight drops by the sum
     * of the available workers' weights. Weights 5, 1, 1 for {@code a, b, c} give {@code a, a, b, a, c, a, a}, then
     * repeat. Full and unhealthy workers sit a decision out without gaining weight.
     */
    public static DispatchStrategy smoothWeighted() {
        return new SmoothWeightedStrategy();
    }

    /**
     * Health-based dispatch on the system clock; see {@link #healthBased(HealthPolicy, TaskClock)}.
     *
     * @param policy when to eject and when to probe
     */
    public static DispatchStrategy healthBased(HealthPolicy policy) {
        return healthBased(policy, TaskClock.system());
    }

    /**
     * Ejects workers whose tasks keep failing and probes them back after a cool-down: a circuit breaker per worker
     * id, fed by {@link DispatchStrategy#onSuccess} and {@link DispatchStrategy#onFailure}.
     *
     * <ul>
     *   <li><b>Closed</b> (the start): the worker is eligible. It opens on {@link HealthPolicy#consecutiveFailures()}
     *       failures in a row, or when the failure share of its last {@link HealthPolicy#slidingWindowSize()}
     *       outcomes (once {@link HealthPolicy#minimumCalls()} are recorded) is above {@link
     *       HealthPolicy#failureRateThreshold()}.
     *   <li><b>Open</b>: the worker is not eligible until {@link HealthPolicy#coolDown()} has passed on {@code clock}.
     *       Outcomes of tasks dispatched before it opened change nothing.
     *   <li><b>Half-open</b>: after the cool-down the worker is eligible again; the first dispatch to it (reported by
     *       {@link DispatchStrategy#onDispatched}) is the probe, and no further task goes to it until the probe ends.
     *       Success closes the circuit and forgets the history; failure reopens it for another cool-down.
     * </ul>
     *
     * <p>Used alone it chooses, among admitted workers, the one with the fewest in flight (ties by id); compose it as
     * a filter to choose otherwise: {@code healthBased(policy, clock).then(capacityAware())}. Thread-safe; each
     * circuit has its own lock. Eligibility is read in {@code choose} and the probe is taken in {@code onDispatched},
     * so two dispatchers that decide at the same instant may both send a task to a worker that has just become
     * half-open; a dispatcher that calls {@code choose} and {@code onDispatched} under one lock never does.
     *
     * @param policy when to eject and when to probe
     * @param clock the time source of cool-downs; a virtual clock runs them in tests without sleeping
     */
    public static DispatchStrategy healthBased(HealthPolicy policy, TaskClock clock) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        return new HealthBasedStrategy(
                policy.consecutiveFailures(),
                policy.failureRateThreshold(),
                policy.slidingWindowSize(),
                policy.minimumCalls(),
                policy.coolDown(),
                clock);
    }

    /**
     * Capacity-aware dispatch with no label constraint; see {@link #capacityAware(BiPredicate)}.
     */
    public static DispatchStrategy capacityAware() {
        return new CapacityAwareStrategy((task, worker) -> true, "any");
    }

    /**
     * Capacity-aware dispatch to workers carrying every one of {@code requiredLabels} with the same value; see
     * {@link #capacityAware(BiPredicate)}.
     *
     * @param requiredLabels labels a worker must have, copied; empty accepts every worker
     */
    public static DispatchStrategy capacityAware(Map<String, String> requiredLabels) {
        Map<String, String> required = Map.copyOf(Objects.requireNonNull(requiredLabels, "requiredLabels"));
        return new CapacityAwareStrategy((task, worker) -> worker.spec().hasLabels(required), "labels=" + required);
    }

    /**
     * Never above a worker's slots, prefers the highest free-capacity ratio, honours a constraint. Among the healthy
     * workers with a free slot that {@code constraint} accepts for the task, chooses the one with the highest {@code
     * freeSlots / slots}; ties go to more free slots, then to the smallest id. A worker with 3 of 4 slots free (0.75)
     * wins over one with 6 of 10 free (0.6), so small workers are not starved and big ones not overloaded.
     *
     * <p>The constraint sees the task, so it can derive requirements from it without any change to {@link
     * dev.scaleplane.api.orchestration.TaskRequest}, for example by task type: {@code (task, worker) ->
     * !task.type().startsWith("gpu.") || "true".equals(worker.spec().labels().get("gpu"))}. Tasks no worker accepts
     * get no worker and wait in the queue. Stateless and thread-safe if the constraint is.
     *
     * @param constraint whether a worker may run a task; must be fast, side-effect free and not throw
     */
    public static DispatchStrategy capacityAware(BiPredicate<? super Task, ? super WorkerView> constraint) {
        return new CapacityAwareStrategy(Objects.requireNonNull(constraint, "constraint"), constraint.toString());
    }

    /**
     * A filter for composition: keeps the healthy workers with a free slot that {@code predicate} accepts for the
     * task, so {@code filter(p).then(leastConnections())} applies a constraint to any chooser. Used alone, it chooses
     * the first accepted worker in candidate order.
     *
     * @param predicate whether a worker may run a task; must be fast, side-effect free and not throw
     */
    public static DispatchStrategy filter(BiPredicate<? super Task, ? super WorkerView> predicate) {
        return new FilterStrategy(Objects.requireNonNull(predicate, "predicate"), predicate.toString());
    }

    /**
     * A filter for composition that keeps workers carrying every one of {@code requiredLabels} with the same value;
     * see {@link #filter(BiPredicate)}.
     *
     * @param requiredLabels labels a worker must have, copied; empty accepts every worker
     */
    public static DispatchStrategy requireLabels(Map<String, String> requiredLabels) {
        Map<String, String> required = Map.copyOf(Objects.requireNonNull(requiredLabels, "requiredLabels"));
        return new FilterStrategy((task, worker) -> worker.spec().hasLabels(required), "labels=" + required);
    }
}
