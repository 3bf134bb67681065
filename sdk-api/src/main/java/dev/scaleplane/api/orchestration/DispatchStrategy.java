package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which worker runs a task. The dispatcher passes the candidate workers as {@linkplain WorkerView snapshots}
 * and reports what happened through the callbacks, so stateful strategies (round-robin cursors, circuit breakers)
 * can learn from outcomes. Built-ins are in {@code dev.scaleplane.core.orchestration.DispatchStrategies}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #choose} returns one of the given candidates (the same instance) or empty; it never returns a worker
 *       whose {@linkplain WorkerView#freeSlots() free slots} are 0. Empty means "no worker now": the task stays
 *       queued (back-pressure), it is not failed.
 *   <li>{@link #eligible} narrows candidates without choosing; {@link #then} feeds one strategy's eligible workers to
 *       the next, so a filter (health, labels) composes with a chooser (least-connections, capacity-aware).
 *   <li>For every worker {@code choose} returned and the dispatcher actually used, it calls
 *       {@link #onDispatched} once, then exactly one of {@link #onSuccess} or {@link #onFailure} when that attempt
 *       ends (a lapsed lease counts as a failure). Callbacks for one worker may arrive on different threads and, for
 *       different tasks, in any order.
 * </ul>
 *
 * <h2>Thread-safety</h2>
 *
 * A strategy may be called from several dispatcher threads at once, including {@code choose} concurrently with
 * callbacks; implementations must be thread-safe. Every built-in is. Strategies must be fast and must not block: they
 * run on the dispatch path. Methods must not throw for ordinary input; an exception from {@code choose} is treated by
 * the dispatcher as "no worker now" and logged.
 *
 * <p>Only {@link #choose} is abstract, so a lambda is a strategy: {@code (task, workers) -> ...}.
 */
@FunctionalInterface
public interface DispatchStrategy {

    /**
     * Picks the worker for {@code task}.
     *
     * @param task the task to place, with its attempt number
     * @param candidates the workers to choose from, in the dispatcher's stable order (by registration); may be empty,
     *     may contain full or unhealthy workers, which the strategy must skip
     * @return one of {@code candidates} with at least one free slot, or empty if none fits
     */
    Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates);

    /**
     * The candidates this strategy would consider for {@code task}, in their given order, without choosing or
     * changing state. Used by {@link #then} to narrow the candidates of the next strategy.
     *
     * <p>The default keeps the candidates that are {@linkplain WorkerView#healthy() healthy} and have a free slot.
     * Filters override it to apply their rule.
     *
     * @return a new list, or {@code candidates} itself when nothing is removed; never {@code null}
     */
    default <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        return available(candidates);
    }

    /**
     * Called once after the dispatcher handed {@code task} to {@code worker}, which this strategy (or the composite
     * it is part of) chose. Default: nothing.
     */
    default void onDispatched(Task task, WorkerView worker) {}

    /** Called when a task dispatched to {@code worker} succeeded after running for {@code elapsed}. Default: nothing. */
    default void onSuccess(WorkerView worker, Duration elapsed) {}

    /**
     * Called when a task dispatched to {@code worker} failed, its lease lapsed or the worker died. Default: nothing.
     *
     * @param failure the task's exception, or a {@link LeaseLostException} when the lease lapsed
     */
    default void onFailure(WorkerView worker, Throwable failure) {}

    /**
     * This strategy's {@linkplain #eligible eligible} workers, handed to {@code next} to choose from. Candidates that
     * are unhealthy or full are removed before any part sees them, so a filter need not check free slots. Callbacks go
     * to this strategy first, then to {@code next}. The result is thread-safe if both are.
     *
     * <p>Example: {@code healthBased(policy).then(capacityAware(labels))} ejects failing workers, then prefers the one
     * with the most free capacity among the rest.
     */
    default DispatchStrategy then(DispatchStrategy next) {
        return new CompositeDispatchStrategy(List.of(this, Objects.requireNonNull(next, "next")));
    }

    /**
     * The strategies applied in order: each one's eligible workers are the next one's candidates, and the last one
     * chooses. Same as {@code first.then(rest[0]).then(rest[1])...}.
     */
    static DispatchStrategy composite(DispatchStrategy first, DispatchStrategy... rest) {
        List<DispatchStrategy> all = new ArrayList<>(rest.length + 1);
        all.add(Objects.requireNonNull(first, "first"));
        for (DispatchStrategy s : rest) {
            all.add(Objects.requireNonNull(s, "rest[]"));
        }
        return all.size() == 1 ? first : new CompositeDispatchStrategy(all);
    }

    /**
     * The candidates that are healthy and have a free slot, in order; {@code candidates} itself if that is all of
     * them. The baseline filter every built-in applies.
     */
    static <W extends WorkerView> List<W> available(List<W> candidates) {
        int i = 0;
        while (i < candidates.size() && isAvailable(candidates.get(i))) {
            i++;
        }
        if (i == candidates.size()) {
            return candidates;
        }
        List<W> kept = new ArrayList<>(candidates.size() - 1);
        kept.addAll(candidates.subList(0, i));
        for (i++; i < candidates.size(); i++) {
            W w = candidates.get(i);
            if (isAvailable(w)) {
                kept.add(w);
            }
        }
        return kept;
    }

    private static boolean isAvailable(WorkerView w) {
        return w.healthy() && w.freeSlots() > 0;
    }
}

/** {@link DispatchStrategy#then} and {@link DispatchStrategy#composite}: filters in order, the last one chooses. */
final class CompositeDispatchStrategy implements DispatchStrategy {

    private final List<DispatchStrategy> parts;

    CompositeDispatchStrategy(List<DispatchStrategy> parts) {
        List<DispatchStrategy> flat = new ArrayList<>();
        for (DispatchStrategy p : parts) {
            if (p instanceof CompositeDispatchStrategy c) {
                flat.addAll(c.parts);
            } else {
                flat.add(p);
            }
        }
        this.parts = List.copyOf(flat);
    }

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        List<? extends WorkerView> narrowed = narrow(task, candidates, parts.size() - 1);
        Optional<WorkerView> chosen = parts.get(parts.size() - 1).choose(task, narrowed);
        // The contract holds even if a user's last strategy is careless.
        return chosen.filter(w -> w.freeSlots() > 0);
    }

    @Override
    public <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        return narrow(task, candidates, parts.size());
    }

    private <W extends WorkerView> List<W> narrow(Task task, List<W> candidates, int upTo) {
        // Every part sees only workers that can take a task, whatever the filters before it kept.
        List<W> current = DispatchStrategy.available(candidates);
        for (int i = 0; i < upTo && !current.isEmpty(); i++) {
            current = parts.get(i).eligible(task, current);
        }
        return current;
    }

    @Override
    public void onDispatched(Task task, WorkerView worker) {
        for (DispatchStrategy p : parts) {
            p.onDispatched(task, worker);
        }
    }

    @Override
    public void onSuccess(WorkerView worker, Duration elapsed) {
        for (DispatchStrategy p : parts) {
            p.onSuccess(worker, elapsed);
        }
    }

    @Override
    public void onFailure(WorkerView worker, Throwable failure) {
        for (DispatchStrategy p : parts) {
            p.onFailure(worker, failure);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (DispatchStrategy p : parts) {
            sb.append(sb.length() == 0 ? "" : " then ").append(p);
        }
        return sb.toString();
    }
}
