package dev.scaleplane.core.internal.dispatch;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.WorkerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A circuit breaker per worker id; see {@code DispatchStrategies.healthBased} for the rules.
 *
 * <p>Hand-written rather than resilience4j's {@code CircuitBreaker}: a resilience4j breaker has one failure rule,
 * while ejection here trips on consecutive failures or on the rate over a window; its half-open permit is taken when
 * a call starts, whereas a dispatch filter must look at a worker without taking anything ({@link #eligible}) and take
 * the probe only when the worker is actually dispatched to ({@link #onDispatched}); and its time comes from a
 * {@code java.time.Clock} read on its own terms, while here every instant comes from the queue's {@link TaskClock},
 * so tests run cool-downs on virtual time.
 */
public final class HealthBasedStrategy implements DispatchStrategy {

    private final int consecutiveFailures;
    private final double failureRateThreshold;
    private final int windowSize;
    private final int minimumCalls;
    private final Duration coolDown;
    private final TaskClock clock;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    public HealthBasedStrategy(
            int consecutiveFailures,
            double failureRateThreshold,
            int windowSize,
            int minimumCalls,
            Duration coolDown,
            TaskClock clock) {
        this.consecutiveFailures = consecutiveFailures;
        this.failureRateThreshold = failureRateThreshold;
        this.windowSize = windowSize;
        this.minimumCalls = minimumCalls;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    @Override
    public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
        // Used alone: least connections among the admitted workers.
        WorkerView best = null;
        for (WorkerView w : eligible(task, candidates)) {
            if (best == null
                    || w.inFlight() < best.inFlight()
                    || (w.inFlight() == best.inFlight() && w.id().compareTo(best.id()) < 0)) {
                best = w;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
        List<W> available = DispatchStrategy.available(candidates);
        // The clock is read only for a worker whose circuit is not closed: with every worker healthy (the common
        // case) a decision reads no clock and takes no lock.
        @Nullable Instant now = null;
        List<W> admitted = null;
        for (int i = 0; i < available.size(); i++) {
            W w = available.get(i);
            Circuit c = circuits.get(w.id());
            boolean ok;
            if (c == null || c.closed()) {
                ok = true;
            } else {
                if (now == null) {
                    now = clock.now();
                }
                ok = c.admits(now);
            }
            if (!ok && admitted == null) {
                admitted = new ArrayList<>(available.subList(0, i));
            } else if (ok && admitted != null) {
                admitted.add(w);
            }
        }
        return admitted == null ? available : admitted;
    }

    @Override
    public void onDispatched(Task task, WorkerView worker) {
        Circuit c = circuits.get(worker.id());
        if (c != null && !c.closed()) {
            c.dispatched(clock.now());
        }
    }

    @Override
    public void onSuccess(WorkerView worker, Duration elapsed) {
        circuit(worker.id()).outcome(false);
    }

    @Override
    public void onFailure(WorkerView worker, Throwable failure) {
        circuit(worker.id()).outcome(true);
    }

    private Circuit circuit(String id) {
        return circuits.computeIfAbsent(id, k -> new Circuit());
    }

    /** The worker's breaker state, or {@code "closed"} if nothing is known; for tests and diagnostics. */
    public String state(String workerId) {
        Circuit c = circuits.get(workerId);
        return c == null ? "closed" : c.describe(clock.now());
    }

    @Override
    public String toString() {
        return "healthBased{consecutiveFailures=" + consecutiveFailures + ", failureRateThreshold="
                + failureRateThreshold + ", windowSize=" + windowSize + ", minimumCalls=" + minimumCalls
                + ", coolDown=" + coolDown + '}';
    }

    private enum State {
        CLOSED,
        OPEN,
        /** Cooled down and one probe dispatched; no further task until its outcome. */
        PROBING
    }

    private final class Circuit {
        /** Written under the circuit's lock, read without it by {@link #closed()}. */
        private volatile State state = State.CLOSED;

        private @Nullable Instant openedAt;
        private int failuresInARow;
        private final boolean[] window = new boolean[windowSize];
        private int recorded;
        private int next;
        private int failuresInWindow;

        /**
         * Whether the circuit is closed, without the lock: a closed circuit admits at any instant, so callers skip
         * reading the clock. A transition racing with this read is the same race as deciding an instant earlier.
         */
        boolean closed() {
            return state == State.CLOSED;
        }

        synchronized boolean admits(Instant now) {
            return switch (state) {
                case CLOSED -> true;
                case OPEN -> cooledDown(now);
                case PROBING -> false;
            };
        }

        synchronized void dispatched(Instant now) {
            if (state == State.OPEN && cooledDown(now)) {
                state = State.PROBING;
            }
        }

        /**
         * Records an outcome. Outcomes while OPEN are of tasks dispatched before the ejection and change nothing;
         * while PROBING, the first outcome decides the probe (callbacks carry no task, so a late outcome of an older
         * task can stand in for the probe's: it is still news about the worker).
         */
        synchronized void outcome(boolean failed) {
            // The clock is read only when the circuit opens: most outcomes change no time-dependent state.
            switch (state) {
                case OPEN -> {}
                case PROBING -> {
                    if (failed) {
                        open(clock.now());
                    } else {
                        reset();
                    }
                }
                case CLOSED -> {
                    record(failed);
                    if (failuresInARow >= consecutiveFailures
                            || (recorded >= minimumCalls && failuresInWindow > failureRateThreshold * recorded)) {
                        open(clock.now());
                    }
                }
            }
        }

        private void record(boolean failed) {
            failuresInARow = failed ? failuresInARow + 1 : 0;
            if (recorded == windowSize) {
                if (window[next]) {
                    failuresInWindow--;
                }
            } else {
                recorded++;
            }
            window[next] = failed;
            if (failed) {
                failuresInWindow++;
            }
            next = (next + 1) % windowSize;
        }

        private void open(Instant now) {
            state = State.OPEN;
            openedAt = now;
        }

        private void reset() {
            state = State.CLOSED;
            openedAt = null;
            failuresInARow = 0;
            recorded = 0;
            next = 0;
            failuresInWindow = 0;
        }

        private boolean cooledDown(Instant now) {
            return openedAt != null && !now.isBefore(openedAt.plus(coolDown));
        }

        synchronized String describe(Instant now) {
            return switch (state) {
                case CLOSED -> "closed";
                case OPEN -> cooledDown(now) ? "half-open" : "open";
                case PROBING -> "probing";
            };
        }
    }
}
