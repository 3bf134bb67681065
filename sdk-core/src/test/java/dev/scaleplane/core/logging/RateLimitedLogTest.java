package dev.scaleplane.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.testing.CapturedOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void oneLinePerKeyAndIntervalThenTheCountOfThoseHeldBack() {
        MovableClock clock = new MovableClock();
        RateLimitedLog log =
                new RateLimitedLog(LoggerFactory.getLogger("rate-limited-test"), Duration.ofSeconds(30), clock);
        String printed = CapturedOutput.of(() -> {
            assertThat(log.warn("a", "cluster {} is unreachable", "ams-1")).isTrue();
            assertThat(log.warn("a", "cluster {} is unreachable", "ams-1")).isFalse();
            assertThat(log.warn("b", "cluster {} is unreachable", "par-1"))
                    .as("another key")
                    .isTrue();
            clock.now = clock.now.plusSeconds(29);
            assertThat(log.warn("a", "cluster {} is unreachable", "ams-1")).isFalse();
            clock.now = clock.now.plusSeconds(1);
            assertThat(log.warn("a", "cluster {} is unreachable", "ams-1")).isTrue();
            assertThat(log.warn("a", "cluster {} is unreachable", "ams-1")).isFalse();
        });
        assertThat(printed.lines().filter(l -> l.contains("unreachable")).map(l -> l.substring(l.indexOf("WARN"))))
                .containsExactly(
                        "WARN rate-limited-test - cluster ams-1 is unreachable",
                        "WARN rate-limited-test - cluster par-1 is unreachable",
                        "WARN rate-limited-test - cluster ams-1 is unreachable"
                                + " (2 similar messages not logged in the last 30 s)");
        assertThat(log.heldBackTotal()).isEqualTo(3);
    }
}
