package dev.scaleplane.adapters.http.testing;

import dev.scaleplane.tck.CiSimulation;

/**
 * A {@link CiSimulation} over a {@link VendorSimulation}, for a simulation's view for {@link
 * dev.scaleplane.tck.CiAdapterCompatibilityKit}: {@code reset}, {@code failNext} and {@code requestCount} are the
 * simulation's own ({@link VendorKitSimulation}), so a view implements only what is about runs, guarding the
 * simulation's state with the simulation's monitor.
 */
public abstract class VendorCiSimulation extends VendorKitSimulation implements CiSimulation {

    /** A view of {@code simulation}. */
    protected VendorCiSimulation(VendorSimulation simulation) {
        super(simulation);
    }
}
