package dev.scaleplane.samples.federation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The expectations of one run: {@link #check} notes an unmet one and goes on, {@link #require} notes it and stops the
 * scenario (there is no point failing over a propagation that never became ready). {@link #await} polls, because the
 * fleet converges asynchronously: probes, tasks and watches each take their time.
 */
final class Checks {

    /** Thrown by {@link #require} to stop the scenario; the failure is already noted. */
    static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;

        Stop(String message) {
            super(message, null, false, false);
        }
    }

    private static final Duration POLL = Duration.ofMillis(50);

    private final List<String> failures = new ArrayList<>();

    /** Notes {@code expectation} (evaluated only then) as unmet unless {@code ok}; returns {@code ok}. */
    boolean check(boolean ok, Supplier<String> expectation) {
        if (!ok) {
            failures.add(expectation.get());
        }
        return ok;
    }

    /** As {@link #check}, and stops the scenario when unmet. */
    void require(boolean ok, Supplier<String> expectation) throws Stop {
        if (!check(ok, expectation)) {
            throw new Stop(failures.get(failures.size() - 1));
        }
    }

    /** The unmet expectations so far, in order. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }
}
