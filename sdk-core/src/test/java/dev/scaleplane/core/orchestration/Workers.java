package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A mutable pool of workers for strategy tests: fixed order, in-flight counts and health set by the test. */
final class Workers {

    static final Task TASK = new Task("task-1", TaskRequest.of("deploy", "payload"), 1, 3, Instant.EPOCH);

    private final Map<String, WorkerSpec> specs = new LinkedHashMap<>();
    private final Map<String, Integer> inFlight = new LinkedHashMap<>();
    private final Map<String, Boolean> healthy = new LinkedHashMap<>();

    Workers add(WorkerSpec spec) {
        specs.put(spec.id(), spec);
        inFlight.put(spec.id(), 0);
        healthy.put(spec.id(), true);
        return this;
    }

    Workers add(String id, int slots) {
        return add(WorkerSpec.of(id, slots));
    }

    Workers inFlight(String id, int n) {
        inFlight.put(id, n);
        return this;
    }

    Workers healthy(String id, boolean h) {
        healthy.put(id, h);
        return this;
    }

    /** Snapshots of every worker, in the order added. */
    List<WorkerView> views() {
        List<WorkerView> out = new ArrayList<>();
        for (WorkerSpec s : specs.values()) {
            out.add(WorkerView.of(s, inFlight.get(s.id()), healthy.get(s.id())));
        }
        return out;
    }

    /** Chooses with {@code strategy}, counts the dispatch and returns the chosen id, or null for none. */
    String dispatch(DispatchStrategy strategy) {
        WorkerView w = strategy.choose(TASK, views()).orElse(null);
        if (w == null) {
            return null;
        }
        strategy.onDispatched(TASK, w);
        inFlight.merge(w.id(), 1, Integer::sum);
        return w.id();
    }

    /** Chooses {@code n} times with {@code strategy} without counting dispatches. */
    List<String> choices(DispatchStrategy strategy, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WorkerView w = strategy.choose(TASK, views()).orElse(null);
            out.add(w == null ? null : w.id());
            if (w != null) {
                strategy.onDispatched(TASK, w);
            }
        }
        return out;
    }

    WorkerView view(String id) {
        return WorkerView.of(specs.get(id), inFlight.get(id), healthy.get(id));
    }
}
