package dev.scaleplane.api.orchestration;

import java.util.Objects;

/**
 * A read-only snapshot of one worker as a {@link DispatchStrategy} sees it when it decides: the worker's
 * {@linkplain WorkerSpec static description} plus its live state (tasks in flight, health as reported by the worker
 * registry's heartbeats).
 *
 * <p>Why a view and not one record: the spec is fixed for the worker's life, while in-flight count and health change
 * with every dispatch; a registry can hand strategies cheap views over its own counters, and strategies can keep
 * per-worker state keyed by {@code spec().id()} across decisions. A view's values must not change during one
 * {@link DispatchStrategy#choose} call; implementations are thread-safe. {@link #of(WorkerSpec, int, boolean)} makes
 * an immutable snapshot.
 */
public interface WorkerView {

    /** The worker's static description. */
    WorkerSpec spec();

    /** Tasks dispatched to the worker and not finished yet; {@code >= 0}, and may exceed the slots only transiently. */
    int inFlight();

    /**
     * Whether the worker registry considers the worker alive (its heartbeats are current). Built-in strategies never
     * choose an unhealthy worker. Outcome-based ejection is a strategy's business, not this flag's.
     */
    boolean healthy();

    /** The worker's id; short for {@code spec().id()}. */
    default String id() {
        return spec().id();
    }

    /** Slots not taken: {@code max(0, spec().slots() - inFlight())}. A worker with none must not be chosen. */
    default int freeSlots() {
        return Math.max(0, spec().slots() - inFlight());
    }

    /**
     * An immutable snapshot.
     *
     * @param spec the worker
     * @param inFlight tasks in flight, {@code >= 0}
     * @param healthy whether heartbeats are current
     * @throws IllegalArgumentException if {@code inFlight} is negative
     */
    static WorkerView of(WorkerSpec spec, int inFlight, boolean healthy) {
        Objects.requireNonNull(spec, "spec");
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight must be >= 0, but was " + inFlight);
        }
        return new WorkerSnapshot(spec, inFlight, healthy);
    }
}

/** The snapshot of {@link WorkerView#of(WorkerSpec, int, boolean)}. */
record WorkerSnapshot(WorkerSpec spec, int inFlight, boolean healthy) implements WorkerView {}
