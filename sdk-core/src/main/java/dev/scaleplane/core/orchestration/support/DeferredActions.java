package dev.scaleplane.core.orchestration.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Work a queue decides on under its lock but must do after releasing it: completing a task's future runs the
 * caller's callbacks, which may call back into the queue or block.
 *
 * <p>Per thread: each thread defers its own actions and runs them when its outermost locked section ends, so a nested
 * call (a callback that submits, a lease that completes inside a handler) never runs them under the lock. Thread-safe.
 *
 * <pre>{@code
 * try {
 *     synchronized (lock) {
 *         ...
 *         deferred.add(() -> future.complete(result));
 *     }
 * } finally {
 *     deferred.runUnlessHolding(lock);
 * }
 * }</pre>
 */
public final class DeferredActions {
    private final ThreadLocal<List<Runnable>> pending = ThreadLocal.withInitial(ArrayList::new);

    /** Creates an empty set of actions. */
    public DeferredActions() {}

    /** Defers {@code action} until this thread next calls {@link #runUnlessHolding} outside the lock. */
    public void add(Runnable action) {
        pending.get().add(Objects.requireNonNull(action, "action"));
    }

    /**
     * Runs this thread's deferred actions, in the order deferred, unless the thread still holds {@code lock} (a nested
     * call: the outermost one runs them). An action that throws does not stop the others; the first exception is
     * rethrown after all ran.
     */
    public void runUnlessHolding(Object lock) {
        List<Runnable> mine = pending.get();
        if (mine.isEmpty() || Thread.holdsLock(lock)) {
            return;
        }
        List<Runnable> actions = new ArrayList<>(mine);
        mine.clear();
        RuntimeException first = null;
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
