package dev.scaleplane.core.capacity;

import static dev.scaleplane.core.capacity.FleetHistories.NOW;
import static dev.scaleplane.core.capacity.FleetHistories.cluster;
import static dev.scaleplane.core.capacity.FleetHistories.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.ProjectionError;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The projection's error on the 7-day holdout of histories that the model does not reproduce exactly: growth plus
 * daily seasonality plus seeded Gaussian noise, and a step change (a tenant onboarded mid-holdout). The measured errors
 * are printed, and bounded so that a worse method fails the test.
 */
class ProjectionErrorTest {
    private final CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults());
    private final FleetSnapshot fleet = new FleetSnapshot(
            NOW, List.of(cluster("ams-1", "eu-west", "EU", new Capacity(64_000, 1L << 38, 500), Capacity.ZERO)));

    private ProjectionError error(DemandHistory history, String name) {
        ProjectionError e = planner.plan(fleet, history, List.of())
                .region("eu-west")
                .orElseThrow()
                .projection(Resource.CPU)
                .orElseThrow()
                .holdoutError()
                .orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "projection error on the holdout of %s: MAPE %.2f%%, RMSE %.1fm over %d points%n",
                name,
                e.mape(),
                e.rmse(),
                e.points());
        return e;
    }

    @Test
    void noisySeasonalGrowth() {
        Random noise = new Random(42);
        // seasonal growth with 3% Gaussian noise of the level
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.CPU, t -> {
                    long y = FleetHistories.seasonalGrowth(t);
                    return Math.max(0, Math.round(y * (1 + 0.03 * noise.nextGaussian())));
                })
                .build();
        ProjectionError e = error(history, "noisy seasonal growth");
        assertThat(e.points()).isEqualTo(168);
        // the noise alone is 3% (mean absolute 2.4%); the fit adds little on top of it
        assertThat(e.mape()).isBetween(1.5, 3.5);
    }

    @Test
    void aStepChangeInTheHoldoutIsNotForeseen() {
        // 20 cores flat, then 4 more from t = -72 h (three days before the plan)
        DemandHistory history = series(
                        DemandHistory.builder(), "eu-west", Resource.CPU, t -> t >= -72 ? 24_000 : 20_000)
                .build();
        ProjectionError e = error(history, "a step change");
        // fitted on the flat part, the projection stays at 20 cores: 4 000m off on the 73 points after the step
        assertThat(e.rmse())
                .isCloseTo(Math.sqrt(73 * 4_000.0 * 4_000 / 168), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(e.mape())
                .isCloseTo(100.0 * 73 * (4_000.0 / 24_000) / 168, org.assertj.core.api.Assertions.within(1e-6));
    }
}
