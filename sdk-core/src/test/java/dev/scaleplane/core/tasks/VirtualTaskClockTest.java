package dev.scaleplane.core.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test kit's virtual clock, which every task queue test relies on. */
class VirtualTaskClockTest {

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final Instant start = clock.now();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueActionsInTimeOrderWithTheClockAtTheirDueTime() {
        clock.schedule(Duration.ofSeconds(3), () -> ran.add("3s@" + Duration.between(start, clock.now())));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s@" + Duration.between(start, clock.now())));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s-second@" + Duration.between(start, clock.now())));
        clock.advance(Duration.ofSeconds(2));
        assertThat(ran).containsExactly("1s@PT1S", "1s-second@PT1S");
        assertThat(clock.now()).isEqualTo(start.plusSeconds(2));
        clock.advance(Duration.ofSeconds(1));
        assertThat(ran).endsWith("3s@PT3S");
        assertThat(clock.pendingActions()).isZero();
    }

    @Test
    void actionsScheduledByActionsRunInTheSameAdvanceWhenDue() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            ran.add("outer");
            clock.schedule(Duration.ofSeconds(1), () -> ran.add("inner@" + Duration.between(start, clock.now())));
        });
        clock.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("outer", "inner@PT2S");
        assertThat(clock.now()).isEqualTo(start.plusSeconds(5));
    }

    @Test
    void cancelledActionsDoNotRun() {
        TaskClock.Cancellable c = clock.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));
        c.cancel();
        clock.advance(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("kept");
    }

    @Test
    void timeNeverGoesBack() {
        clock.advanceTo(start.minusSeconds(1));
        assertThat(clock.now()).isEqualTo(start);
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .hasMessage("duration must be >= 0, but was PT-1S");
    }
}
