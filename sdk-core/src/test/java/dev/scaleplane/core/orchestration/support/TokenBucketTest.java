package dev.scaleplane.core.orchestration.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.TaskRateLimit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void burstThenOnePermitPerInterval() {
        TokenBucket bucket = new TokenBucket(TaskRateLimit.of(3, Duration.ofSeconds(3)), T0);
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).as("the burst is spent").isFalse();
        assertThat(bucket.tryTake(T0.plusMillis(999)))
                .as("less than one interval later")
                .isFalse();
        assertThat(bucket.tryTake(T0.plusSeconds(1))).as("one interval later").isTrue();
        assertThat(bucket.tryTake(T0.plusSeconds(1))).isFalse();
    }

    @Test
    void refillNeverExceedsCapacityAndKeepsTheRemainder() {
        TokenBucket bucket = new TokenBucket(TaskRateLimit.of(2, Duration.ofSeconds(2)), T0);
        bucket.take(T0);
        bucket.take(T0);
        assertThat(bucket.hasPermit(T0.plusSeconds(60))).isTrue();
        assertThat(bucket.tokens()).isEqualTo(2);
        bucket.take(T0.plusSeconds(60));
        bucket.take(T0.plusSeconds(60));
        // 1.5 intervals: one permit back, the half interval kept for the next one
        assertThat(bucket.tryTake(T0.plusMillis(61_500))).isTrue();
        assertThat(bucket.tryTake(T0.plusMillis(61_900))).isFalse();
        assertThat(bucket.tryTake(T0.plusMillis(62_000))).isTrue();
    }

    @Test
    void aFullBucketStartsItsRefillAtTheFirstTake() {
        TokenBucket bucket = new TokenBucket(TaskRateLimit.of(1, Duration.ofSeconds(10)), T0);
        // looked at much later: the refill clock starts when the permit is taken, not at construction
        assertThat(bucket.tryTake(T0.plusSeconds(100))).isTrue();
        assertThat(bucket.tryTake(T0.plusSeconds(105))).isFalse();
        assertThat(bucket.tryTake(T0.plusSeconds(110))).isTrue();
    }
}
