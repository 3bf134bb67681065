package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Among the available workers the constraint accepts, the one with the highest share of free slots; ties go to more
 * free slots, then to the smallest id. Ratios are compared by cross-multiplication, so there is no rounding. Stateless.
 */
public final class CapacityAwareStrategy implements DispatchStrategy {

    private final BiPredicate<? super Task, ? super WorkerView> constraint;
    private final String description;

    public CapacityAwareStrategy(BiPredicate<? super Task, ? super WorkerView> constraint, String description) {
        this.constraint = constraint;
        this.description = description;
    }

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        WorkerView best = null;
        for (WorkerView w : candidates) {
            if (w.healthy() && w.freeSlots() > 0 && constraint.test(task, w) && (best == null || better(w, best))) {
                best = w;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        return FilterStrategy.filter(task, DispatchStrategy.available(candidates), constraint);
    }

    private static boolean better(WorkerView w, WorkerView best) {
        int byRatio = Long.compare(
                (long) w.freeSlots() * best.spec().slots(),
                (long) best.freeSlots() * w.spec().slots());
        if (byRatio != 0) {
            return byRatio > 0;
        }
        if (w.freeSlots() != best.freeSlots()) {
            return w.freeSlots() > best.freeSlots();
        }
        return w.id().compareTo(best.id()) < 0;
    }

    @Override
    public String toString() {
        return "capacityAware(" + description + ")";
    }
}
