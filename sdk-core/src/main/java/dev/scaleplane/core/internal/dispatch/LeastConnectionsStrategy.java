package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.List;
import java.util.Optional;

/** The available worker with the fewest tasks in flight; ties go to the smallest id. Stateless. */
public final class LeastConnectionsStrategy implements DispatchStrategy {

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        WorkerView best = null;
        for (WorkerView w : candidates) {
            if (!w.healthy() || w.freeSlots() == 0) {
                continue;
            }
            if (best == null
                    || w.inFlight() < best.inFlight()
                    || (w.inFlight() == best.inFlight() && w.id().compareTo(best.id()) < 0)) {
                best = w;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public String toString() {
        return "leastConnections";
    }
}
