package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Delegates to a strategy and records the callbacks as "dispatched:w", "success:w", "failure:w:ExceptionType". */
final class RecordingStrategy implements DispatchStrategy {

    private final DispatchStrategy delegate;
    private final List<String> events = new ArrayList<>();

    RecordingStrategy(DispatchStrategy delegate) {
        this.delegate = delegate;
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        return delegate.choose(task, candidates);
    }

    @Override
    public synchronized void onDispatched(Task task, WorkerView worker) {
        events.add("dispatched:" + worker.id());
        delegate.onDispatched(task, worker);
    }

    @Override
    public synchronized void onSuccess(WorkerView worker, Duration elapsed) {
        events.add("success:" + worker.id());
        delegate.onSuccess(worker, elapsed);
    }

    @Override
    public synchronized void onFailure(WorkerView worker, Throwable failure) {
        events.add("failure:" + worker.id() + ":" + failure.getClass().getSimpleName());
        delegate.onFailure(worker, failure);
    }
}
