package dev.scaleplane.api.orchestration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The time source of a task queue: the current instant, and running an action after a delay. Every lease expiry,
 * retry backoff, delayed task and deadline is measured with it, so a test that supplies a manual clock (such as the
 * test kit's {@code dev.scaleplane.testing.VirtualTaskClock}) runs them on virtual time without sleeping.
 *
 * <p>Implementations are thread-safe. Scheduled actions must be short and must not throw; a clock may run them on
 * its own thread or, for a virtual clock, on the thread that advances time.
 */
public interface TaskClock {

    /** The current instant. */
    Instant now();

    /**
     * Runs {@code action} once, no earlier than {@code delay} from now.
     *
     * @param delay zero or positive
     * @return cancels the action if it has not run yet
     */
    Cancellable schedule(Duration delay, Runnable action);

    /** Stops a scheduled action. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the action from running if it has not started; no effect otherwise. */
        void cancel();
    }

    /** Real time from the system UTC clock. */
    static TaskClock system() {
        return of(Clock.systemUTC());
    }

    /**
     * Time from {@code clock}, with actions run on one shared daemon thread after real delays. The thread ends
     * {@value SystemTimer#IDLE_MILLIS} ms after the last action due has run and none is pending, and starts again with
     * the next one, so that nothing of Scaleplane's outlives the platforms using it.
     *
     * @param clock the source of {@link #now()}
     */
    static TaskClock of(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return new TaskClock() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable action) {
                ScheduledFuture<?> f = SystemTimer.TIMER.schedule(
                        Objects.requireNonNull(action, "action"), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public String toString() {
                return "TaskClock.of(" + clock + ")";
            }
        };
    }
}

/** Lazily started shared timer thread of {@link TaskClock#of(Clock)}, which ends when idle. */
final class SystemTimer {
    /** How long the thread waits, with nothing scheduled, before it ends. */
    static final long IDLE_MILLIS = 100;

    static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "scaleplane-task-clock");
            t.setDaemon(true);
            return t;
        });
        // Leases are extended far more often than they lapse: cancelled expiries must not pile up in the queue.
        timer.setRemoveOnCancelPolicy(true);
        // With nothing pending (a closed platform cancelled its timers) the thread ends: no thread outlives close().
        timer.setKeepAliveTime(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    private SystemTimer() {}
}
