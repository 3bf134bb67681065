package dev.scaleplane.docs;

import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.capacity.CapacityPlanner;
import java.util.List;

/** The README's capacity planning example: sample the fleet on a clock, then plan from what was recorded. */
public final class CapacityPlanExample {

    private CapacityPlanExample() {}

    // tag::readme[]
    public static CapacityPlanner.Sampling startSampling(ScaleplanePlatform platform, TaskClock clock) {
        CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults(), platform);
        return planner.sampleEvery(platform.federation()::snapshot, clock); // close() stops it
    }

    public static CapacityPlan planFromSamples(ScaleplanePlatform platform, List<Tenant> tenants) {
        CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults(), platform);
        CapacityPlan plan = planner.plan(platform.federation().snapshot(), tenants); // reads the samples back
        System.out.print(plan.table());
        return plan;
    }
    // end::readme[]
}
