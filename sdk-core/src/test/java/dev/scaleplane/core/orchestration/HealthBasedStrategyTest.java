package dev.scaleplane.core.orchestration;

import static dev.scaleplane.core.orchestration.Workers.TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthBasedStrategyTest {

    private static final Duration COOL_DOWN = Duration.ofSeconds(30);
    private static final RuntimeException BOOM = new RuntimeException("boom");

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final Workers pool = new Workers().add("a", 10).add("b", 10);

    /** Consecutive-failure rule only: the rate rule is off at threshold 1. */
    private DispatchStrategy consecutive(int n) {
        return DispatchStrategies.healthBased(
                HealthPolicy.builder()
                        .consecutiveFailures(n)
                        .failureRateThreshold(1.0)
                        .coolDown(COOL_DOWN)
                        .build(),
                clock);
    }

    private void fail(DispatchStrategy s, String id, int times) {
        for (int i = 0; i < times; i++) {
            s.onFailure(pool.view(id), BOOM);
        }
    }

    private void succeed(DispatchStrategy s, String id, int times) {
        for (int i = 0; i < times; i++) {
            s.onSuccess(pool.view(id), Duration.ofMillis(5));
        }
    }

    private boolean admits(DispatchStrategy s, String id) {
        return s.eligible(TASK, pool.views()).stream().anyMatch(w -> w.id().equals(id));
    }

    @Test
    void ejectsAfterNConsecutiveFailuresButNotBefore() {
        DispatchStrategy s = consecutive(3);
        fail(s, "a", 2);
        assertThat(admits(s, "a")).isTrue();
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isFalse();
        assertThat(admits(s, "b")).isTrue();
        // Used alone, it sends everything to the remaining worker.
        assertThat(pool.choices(s, 3)).containsExactly("b", "b", "b");
    }

    @Test
    void aSuccessBreaksTheRunOfFailures() {
        DispatchStrategy s = consecutive(3);
        fail(s, "a", 2);
        succeed(s, "a", 1);
        fail(s, "a", 2);
        assertThat(admits(s, "a")).isTrue();
    }

    @Test
    void refusesDuringCoolDownThenAdmitsExactlyOneProbe() {
        DispatchStrategy s = consecutive(1);
        fail(s, "a", 1);
        clock.advance(COOL_DOWN.minusMillis(1));
        assertThat(admits(s, "a")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admits(s, "a")).isTrue();

        pool.healthy("b", false); // leave only a, so the probe is the only choice
        assertThat(pool.dispatch(s)).isEqualTo("a");
        assertThat(admits(s, "a")).isFalse();
        assertThat(pool.dispatch(s)).isNull();
    }

    @Test
    void aSuccessfulProbeClosesTheCircuit() {
        DispatchStrategy s = consecutive(2);
        fail(s, "a", 2);
        clock.advance(COOL_DOWN);
        pool.healthy("b", false);
        assertThat(pool.dispatch(s)).isEqualTo("a");
        succeed(s, "a", 1);
        assertThat(pool.choices(s, 3)).containsExactly("a", "a", "a");
        // The history is forgotten: one more failure is not enough to eject again.
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isTrue();
    }

    @Test
    void aFailedProbeReopensForAnotherCoolDown() {
        DispatchStrategy s = consecutive(2);
        fail(s, "a", 2);
        clock.advance(COOL_DOWN);
        pool.healthy("b", false);
        assertThat(pool.dispatch(s)).isEqualTo("a");
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isFalse();
        clock.advance(COOL_DOWN.minusMillis(1));
        assertThat(admits(s, "a")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admits(s, "a")).isTrue();
    }

    @Test
    void outcomesOfTasksSentBeforeTheEjectionChangeNothingWhileOpen() {
        DispatchStrategy s = consecutive(1);
        fail(s, "a", 1);
        succeed(s, "a", 5);
        assertThat(admits(s, "a")).isFalse();
    }

    @Test
    void ejectsWhenTheFailureRateOverTheWindowIsAboveTheThreshold() {
        DispatchStrategy s = DispatchStrategies.healthBased(
                HealthPolicy.builder()
                        .consecutiveFailures(100)
                        .failureRateThreshold(0.5)
                        .slidingWindowSize(10)
                        .minimumCalls(4)
                        .coolDown(COOL_DOWN)
                        .build(),
                clock);
        // 2 of 3: above half, but fewer than minimumCalls outcomes so far.
        fail(s, "a", 1);
        succeed(s, "a", 1);
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isTrue();
        // 2 of 4: exactly half is not above the threshold.
        succeed(s, "a", 1);
        assertThat(admits(s, "a")).isTrue();
        // 3 of 5 alternating failures: never two in a row, still ejected.
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isFalse();
    }

    @Test
    void theRateWindowSlidesOldOutcomesOut() {
        DispatchStrategy s = DispatchStrategies.healthBased(
                HealthPolicy.builder()
                        .consecutiveFailures(100)
                        .failureRateThreshold(0.5)
                        .slidingWindowSize(4)
                        .minimumCalls(4)
                        .build(),
                clock);
        // F F S S: 2 of 4, not above half.
        fail(s, "a", 2);
        succeed(s, "a", 2);
        assertThat(admits(s, "a")).isTrue();
        // Window F S S S after one more success, then S S S F: 1 of 4 each time.
        succeed(s, "a", 1);
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isTrue();
        // S S F F: 2 of 4; S F F F: 3 of 4, ejected.
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isTrue();
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isFalse();
    }

    @Test
    void workersAreIndependent() {
        DispatchStrategy s = consecutive(2);
        fail(s, "a", 1);
        fail(s, "b", 1);
        fail(s, "a", 1);
        assertThat(admits(s, "a")).isFalse();
        assertThat(admits(s, "b")).isTrue();
    }

    @Test
    void policyValidatesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> HealthPolicy.builder().consecutiveFailures(0))
                .hasMessage("consecutiveFailures must be >= 1, but was 0");
        assertThatThrownBy(() -> HealthPolicy.builder().failureRateThreshold(0))
                .hasMessage("failureRateThreshold must be > 0 and <= 1, but was 0.0");
        assertThatThrownBy(() -> HealthPolicy.builder().coolDown(Duration.ZERO))
                .hasMessage("coolDown must be > 0, but was PT0S");
        assertThatThrownBy(() -> HealthPolicy.builder()
                        .slidingWindowSize(5)
                        .minimumCalls(6)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("minimumCalls (6) must be <= slidingWindowSize (5)");
        assertThat(HealthPolicy.defaults().toBuilder().build().coolDown()).isEqualTo(HealthPolicy.DEFAULT_COOL_DOWN);
    }
}
