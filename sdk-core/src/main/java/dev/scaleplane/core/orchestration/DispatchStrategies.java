package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.core.internal.dispatch.RoundRobinStrategy;

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
}
