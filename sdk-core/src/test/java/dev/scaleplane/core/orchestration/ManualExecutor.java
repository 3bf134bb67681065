package dev.scaleplane.core.orchestration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;

/** An executor that only queues: the test runs the handlers when and in the order it wants, on its own thread. */
final class ManualExecutor implements Executor {

    private final List<Runnable> pending = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable command) {
        pending.add(command);
    }

    synchronized int pending() {
        return pending.size();
    }

    /** Runs the oldest pending handler; false if none. */
    boolean runNext() {
        Runnable r;
        synchronized (this) {
            if (pending.isEmpty()) {
                return false;
            }
            r = pending.remove(0);
        }
        r.run();
        return true;
    }

    /** Runs a pending handler picked by {@code random}; false if none. */
    boolean runRandom(Random random) {
        Runnable r;
        synchronized (this) {
            if (pending.isEmpty()) {
                return false;
            }
            r = pending.remove(random.nextInt(pending.size()));
        }
        r.run();
        return true;
    }

    /** Runs pending handlers, oldest first, until none is left. */
    void runAll() {
        while (runNext()) {
            // keep going
        }
    }
}
