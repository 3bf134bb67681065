package dev.scaleplane.core.capacity;

import static dev.scaleplane.core.capacity.FleetHistories.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.InvalidCapacityInputException;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.UnitPrices;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Bad settings and histories fail with an exception that names the field, the value and what would be valid. */
class CapacityInputErrorsTest {

    private static void fails(ThrowingCallable call, String field, String value, String fix) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(InvalidCapacityInputException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.value()).isEqualTo(value);
                })
                .hasMessageContaining(fix);
    }

    @Test
    void settingsOutOfRange() {
        fails(() -> CapacityPlannerSettings.builder().headroom(-0.1), "headroom", "-0.1", "a share between 0 and 10");
        fails(() -> CapacityPlannerSettings.builder().headroom(Double.NaN), "headroom", "NaN", "between 0 and 10");
        fails(() -> CapacityPlannerSettings.builder().window(Duration.ZERO), "window", "PT0S", "a positive duration");
        fails(() -> CapacityPlannerSettings.builder().step(Duration.ofMillis(1500)), "step", "PT1.5S", "whole number");
        fails(() -> CapacityPlannerSettings.builder().hotShare(1.5), "hotShare", "1.5", "a share in (0, 1]");
        fails(
                () -> CapacityPlannerSettings.builder().nodeShape(new Capacity(4_000, 0, 110)),
                "nodeShape",
                "cpu=4000m memory=0Mi pods=110",
                "every amount > 0");
        fails(
                () -> new UnitPrices("EUR", new BigDecimal("-1"), BigDecimal.ZERO, BigDecimal.ZERO),
                "prices.cpuHour",
                "-1",
                "a price >= 0");
    }

    @Test
    void conflictingSettings() {
        fails(
                () -> CapacityPlannerSettings.builder()
                        .seasonality(Duration.ofMinutes(90))
                        .build(),
                "seasonality",
                "PT1H30M",
                "a multiple of the step PT1H");
        fails(
                () -> CapacityPlannerSettings.builder()
                        .window(Duration.ofDays(7))
                        .build(),
                "holdout",
                "PT168H",
                "shorter than the window PT168H");
        fails(
                () -> CapacityPlannerSettings.builder().coldShare(0.9).build(),
                "coldShare",
                "0.9",
                "a share below hotShare 0.8");
        assertThat(CapacityPlannerSettings.defaults().headroom()).isEqualTo(0.30);
    }

    @Test
    void badHistoryPoints() {
        fails(
                () -> DemandHistory.builder().point("eu-west", Resource.CPU, NOW, -1),
                "history[eu-west/cpu@2026-06-01T00:00:00Z]",
                "-1",
                "an amount >= 0");
        fails(
                () -> DemandHistory.builder()
                        .point("eu-west", Resource.CPU, NOW, 1)
                        .point("eu-west", Resource.CPU, NOW, 2),
                "history[eu-west/cpu@2026-06-01T00:00:00Z]",
                "2",
                "the series already has 1 there");
        fails(() -> DemandHistory.builder().point(" ", Resource.CPU, NOW, 1), "history.region", " ", "a region name");
    }

    @Test
    void aHistoryShorterThanTwoSeasonsCannotBeProjected() {
        DemandHistory.Builder b = DemandHistory.builder();
        for (int h = 0; h < 30; h++) {
            b.point("eu-west", Resource.CPU, NOW.minusSeconds(h * 3600L), 1_000);
        }
        FleetSnapshot fleet = new FleetSnapshot(
                NOW,
                List.of(FleetHistories.cluster(
                        "ams-1", "eu-west", "EU", new Capacity(8_000, 1L << 34, 110), Capacity.ZERO)));
        fails(
                () -> CapacityPlanner.create(CapacityPlannerSettings.defaults()).plan(fleet, b.build(), List.of()),
                "history[eu-west/cpu]",
                "30 points (phase 1 has 1)",
                "at least two points at different steps in each of the 24 seasonal phase(s)");
    }
}
