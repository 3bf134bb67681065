package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/** Keeps the available workers a predicate accepts; used alone, chooses the first of them. Stateless. */
public final class FilterStrategy implements DispatchStrategy {

    private final BiPredicate<? super Task, ? super WorkerView> predicate;
    private final String description;

    public FilterStrategy(BiPredicate<? super Task, ? super WorkerView> predicate, String description) {
        this.predicate = predicate;
        this.description = description;
    }

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        List<? extends WorkerView> kept = eligible(task, candidates);
        return kept.isEmpty() ? Optional.empty() : Optional.of(kept.get(0));
    }

    @Override
    public <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        return filter(task, DispatchStrategy.available(candidates), predicate);
    }

    /** The candidates {@code predicate} accepts, in order; {@code candidates} itself if it accepts all. */
    static <W extends WorkerView> List<W> filter(
            Task task, List<W> candidates, BiPredicate<? super Task, ? super WorkerView> predicate) {
        List<W> kept = null;
        for (int i = 0; i < candidates.size(); i++) {
            W w = candidates.get(i);
            boolean ok = predicate.test(task, w);
            if (!ok && kept == null) {
                kept = new ArrayList<>(candidates.subList(0, i));
            } else if (ok && kept != null) {
                kept.add(w);
            }
        }
        return kept == null ? candidates : kept;
    }

    @Override
    public String toString() {
        return "filter(" + description + ")";
    }
}
