package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.core.internal.dispatch.LeastConnectionsStrategy;
import dev.scaleplane.core.internal.dispatch.RoundRobinStrategy;
import dev.scaleplane.core.internal.dispatch.SmoothWeightedStrategy;

/**
 * The built-in {@link DispatchStrategy dispatch strategies}.
 *
 * <p>Every strategy returned here is thread-safe, never chooses a worker that is {@linkplain
 * dev.scaleplane.api.orchestration.WorkerView#healthy() unhealthy} or has no {@linkplain
 * dev.scaleplane.api.orchestration.WorkerView#freeSlots() free slot}, and breaks ties deterministically (by candidate
 * order or worker id, as each method says), so a test with a fixed worker list sees a fixed sequence of decisions.
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
}
