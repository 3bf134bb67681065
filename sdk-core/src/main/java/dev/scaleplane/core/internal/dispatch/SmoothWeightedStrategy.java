package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * nginx's smooth weighted round-robin: on each decision every available worker's current weight grows by its weight,
 * the largest current weight wins (the first in candidate order on a tie) and loses the total of the weights. Over
 * any run of {@code sum(weights)} decisions on a fixed pool each worker is chosen exactly {@code weight} times, and
 * heavy workers' turns are spread out rather than bunched.
 *
 * <p>One decision reads and writes every worker's current weight, so decisions are serialized on this instance's
 * lock; they are O(candidates) and never block otherwise.
 */
public final class SmoothWeightedStrategy implements DispatchStrategy {

    private final Map<String, Long> current = new HashMap<>();

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        synchronized (current) {
            if (current.size() > candidates.size()) {
                forgetDeparted(candidates);
            }
            WorkerView best = null;
            long bestCurrent = 0;
            long total = 0;
            for (WorkerView w : candidates) {
                if (!w.healthy() || w.freeSlots() == 0) {
                    continue;
                }
                int weight = w.spec().weight();
                total += weight;
                long c = current.merge(w.id(), (long) weight, Long::sum);
                if (best == null || c > bestCurrent) {
                    best = w;
                    bestCurrent = c;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            current.put(best.id(), bestCurrent - total);
            return Optional.of(best);
        }
    }

    /** Drops the state of workers that left the pool, so churn does not grow the map. */
    private void forgetDeparted(List<? extends WorkerView> candidates) {
        Set<String> present = new HashSet<>();
        for (WorkerView w : candidates) {
            present.add(w.id());
        }
        current.keySet().retainAll(present);
    }

    @Override
    public String toString() {
        return "smoothWeighted";
    }
}
