package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the candidates in turn, skipping those without a free slot or unhealthy. The cursor is a position in the
 * candidate list, so a skipped worker gets its turn back as soon as it has room.
 */
public final class RoundRobinStrategy implements DispatchStrategy {

    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        int n = candidates.size();
        if (n == 0) {
            return Optional.empty();
        }
        while (true) {
            long seen = cursor.get();
            int start = (int) Math.floorMod(seen, (long) n);
            for (int step = 0; step < n; step++) {
                int i = (start + step) % n;
                WorkerView w = candidates.get(i);
                if (w.healthy() && w.freeSlots() > 0) {
                    // Losing the race means another thread took this turn: look again from the new cursor.
                    if (cursor.compareAndSet(seen, seen + step + 1)) {
                        return Optional.of(w);
                    }
                    break;
                }
            }
            if (cursor.get() == seen) {
                return Optional.empty();
            }
        }
    }

    @Override
    public String toString() {
        return "roundRobin";
    }
}
