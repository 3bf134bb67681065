package dev.scaleplane.adapters.http.testing;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a compatibility kit's view of a {@link VendorSimulation} ({@link VendorCiSimulation}, {@link
 * VendorIssueTrackerSimulation}) takes from the simulation itself: {@link #reset()}, {@link #failNext} and {@link
 * #requestCount()}, the methods the kits' simulation interfaces share. Thread-safe as the simulation is.
 */
public abstract class VendorKitSimulation {
    private final VendorSimulation simulation;

    /** A view of {@code simulation}. */
    protected VendorKitSimulation(VendorSimulation simulation) {
        this.simulation = simulation;
    }

    /** Resets the simulation: its state, counts, queued failures and request journal. */
    public final void reset() {
        simulation.reset();
    }

    /** Makes the simulation fail the next request with {@code status} and, unless null, {@code Retry-After}. */
    public final void failNext(int status, @Nullable Duration retryAfter) {
        simulation.failNext(status, retryAfter);
    }

    /** How many requests reached the simulation since its last reset. */
    public final int requestCount() {
        return simulation.requestCount();
    }
}
