package dev.scaleplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void exponentialBackoffGrowsAndIsCapped() {
        RetryPolicy p = RetryPolicy.builder()
                .exponential(Duration.ofMillis(100), 2.0)
                .maxDelay(Duration.ofMillis(500))
                .jitter(0)
                .build();
        assertThat(p.delayBefore(1, 0.9)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(2, 0.9)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(3, 0.9)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayBefore(4, 0.9)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delayBefore(40, 0.9)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void fixedAndLinearBackoff() {
        RetryPolicy fixed =
                RetryPolicy.builder().fixed(Duration.ofMillis(30)).jitter(0).build();
        RetryPolicy linear =
                RetryPolicy.builder().linear(Duration.ofMillis(30)).jitter(0).build();
        assertThat(fixed.delayBefore(5, 0)).isEqualTo(Duration.ofMillis(30));
        assertThat(linear.delayBefore(3, 0)).isEqualTo(Duration.ofMillis(90));
    }

    @Test
    void fullJitterDrawsBetweenZeroAndTheBackoff() {
        RetryPolicy p = RetryPolicy.builder().fixed(Duration.ofMillis(100)).build();
        assertThat(p.jitter()).isEqualTo(1.0);
        assertThat(p.delayBefore(1, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(1, 0.25)).isEqualTo(Duration.ofMillis(75));
        assertThat(p.delayBefore(1, 0.999)).isLessThan(Duration.ofMillis(1));
    }

    @Test
    void retriesUntilMaxAttemptsExceptNonRetryableTypes() {
        RetryPolicy p = RetryPolicy.builder()
                .maxAttempts(3)
                .nonRetryable(IllegalArgumentException.class)
                .build();
        RuntimeException transientFailure = new IllegalStateException("busy");
        assertThat(p.shouldRetry(transientFailure, 1)).isTrue();
        assertThat(p.shouldRetry(transientFailure, 2)).isTrue();
        assertThat(p.shouldRetry(transientFailure, 3)).isFalse();
        assertThat(p.shouldRetry(new NumberFormatException(), 1)).isFalse(); // subtype of a non-retryable type
        assertThat(p.isNonRetryable(new NumberFormatException())).isTrue();
        assertThat(RetryPolicy.none().shouldRetry(transientFailure, 1)).isFalse();
    }

    @Test
    void invalidSettingsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
                .hasMessage("maxAttempts must be >= 1, but was 0");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> RetryPolicy.builder().exponential(Duration.ofMillis(1), 0.5))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.builder()
                        .initialDelay(Duration.ofSeconds(2))
                        .maxDelay(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toBuilderRoundTripsAndEqualityIsByValue() {
        RetryPolicy p = RetryPolicy.builder()
                .maxAttempts(7)
                .linear(Duration.ofMillis(5))
                .build();
        assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p.toBuilder().maxAttempts(8).build()).isNotEqualTo(p);
    }
}
