package dev.scaleplane.adapters.http.testing;

import dev.scaleplane.tck.IssueTrackerSimulation;

/**
 * An {@link IssueTrackerSimulation} over a {@link VendorSimulation}, for a simulation's view for {@link
 * dev.scaleplane.tck.IssueTrackerCompatibilityKit}: {@code reset}, {@code failNext} and {@code requestCount} are the
 * simulation's own ({@link VendorKitSimulation}), so a view implements only what is about issues, guarding the
 * simulation's state with the simulation's monitor.
 */
public abstract class VendorIssueTrackerSimulation extends VendorKitSimulation implements IssueTrackerSimulation {

    /** A view of {@code simulation}. */
    protected VendorIssueTrackerSimulation(VendorSimulation simulation) {
        super(simulation);
    }
}
