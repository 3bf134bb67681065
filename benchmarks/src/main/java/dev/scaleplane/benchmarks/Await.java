package dev.scaleplane.benchmarks;

import java.util.concurrent.TimeUnit;

/**
 * Waits for consumers to reach a count, with a deadline so that a lost event fails the benchmark instead of hanging
 * the run.
 */
final class Await {

    /** Far longer than any healthy batch takes; only a bug or a lost event gets here. */
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private Await() {}

    /**
     * Waits until every counter has reached {@code expected}. Spins briefly, then yields between checks: on a
     * 2-core machine a benchmark thread that spun flat out would take CPU from the very consumers it waits for, and
     * yielding lets runnable consumers go first. Every implementation is waited for by this same code.
     */
    static void allReached(PaddedCounter[] counters, long expected, String what) {
        long start = 0;
        int spins = 0;
        for (PaddedCounter c : counters) {
            while (c.get() < expected) {
                Thread.onSpinWait();
                if (++spins > 100) {
                    Thread.yield();
                    if ((spins & 0xff) == 0) {
                        long now = System.nanoTime();
                        if (start == 0) {
                            start = now;
                        } else if (now - start > DEADLINE_NANOS) {
                            throw timeout(counters, expected, what);
                        }
                    }
                }
            }
        }
    }

    /**
     * Waits until {@code counter} has reached {@code expected}, spinning only. For the round-trip latency benchmark:
     * there one publisher and one consumer share the 2 cores, so spinning steals nothing and a yield would only add
     * scheduler noise to the measured time.
     */
    static void reached(PaddedCounter counter, long expected, String what) {
        int spins = 0;
        long start = 0;
        while (counter.get() < expected) {
            Thread.onSpinWait();
            if ((++spins & 0xffff) == 0) {
                long now = System.nanoTime();
                if (start == 0) {
                    start = now;
                } else if (now - start > DEADLINE_NANOS) {
                    throw timeout(new PaddedCounter[] {counter}, expected, what);
                }
            }
        }
    }

    private static IllegalStateException timeout(PaddedCounter[] counters, long expected, String what) {
        StringBuilder sb = new StringBuilder(what)
                .append(": consumers did not handle every event within ")
                .append(TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS))
                .append(" s; expected ")
                .append(expected)
                .append(" per group, handled");
        for (PaddedCounter c : counters) {
            sb.append(' ').append(c.get());
        }
        return new IllegalStateException(sb.toString());
    }
}
