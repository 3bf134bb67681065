package dev.scaleplane.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunPollerTest {

    @Test
    void backoffDoublesUpToTheMaximumWithHalfOfItJittered() {
        try (RunPoller fixedLow = new RunPoller("t", Duration.ofSeconds(5), Duration.ofSeconds(60), () -> 0.0);
                RunPoller fixedHigh = new RunPoller("t", Duration.ofSeconds(5), Duration.ofSeconds(60), () -> 0.999)) {
            assertThat(fixedLow.backoff(0)).isEqualTo(Duration.ofMillis(2500));
            assertThat(fixedLow.backoff(1)).isEqualTo(Duration.ofSeconds(5));
            assertThat(fixedLow.backoff(3)).isEqualTo(Duration.ofSeconds(20));
            assertThat(fixedLow.backoff(4)).isEqualTo(Duration.ofSeconds(30));
            assertThat(fixedLow.backoff(100)).isEqualTo(Duration.ofSeconds(30));
            assertThat(fixedHigh.backoff(0)).isBetween(Duration.ofMillis(4990), Duration.ofSeconds(5));
            assertThat(fixedHigh.backoff(100)).isBetween(Duration.ofMillis(59_900), Duration.ofSeconds(60));
        }
    }

    @Test
    void completesWithTheFirstValueThatIsDone() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (RunPoller poller = new RunPoller("t", Duration.ofMillis(1), Duration.ofMillis(2), () -> 0.5)) {
            CompletableFuture<Integer> f =
                    poller.await("run 7", reads::incrementAndGet, n -> n == 4, Duration.ofMinutes(1));
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(reads).hasValue(4);
        }
    }

    @Test
    void theFirstReadFailureFailsTheWait() {
        try (RunPoller poller = new RunPoller("t", Duration.ofMillis(1), Duration.ofMillis(2), () -> 0.5)) {
            CompletableFuture<Integer> f = poller.await(
                    "run 7",
                    () -> {
                        throw new IllegalArgumentException("gone");
                    },
                    n -> true,
                    Duration.ofMinutes(1));
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void timesOutNamingWhatWasAwaited() {
        try (RunPoller poller = new RunPoller("CI instance x", Duration.ofMillis(1), Duration.ofMillis(1), () -> 0)) {
            CompletableFuture<Integer> f = poller.await("run 7", () -> 1, n -> false, Duration.ofMillis(50));
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("run 7")
                    .hasMessageContaining("CI instance x");
        }
    }

    @Test
    void closingFailsPendingWaitsAndRefusesNewOnes() {
        RunPoller poller = new RunPoller("t", Duration.ofHours(1), Duration.ofHours(1), () -> 0);
        CompletableFuture<Integer> pending = poller.await("run 7", () -> 1, n -> false, Duration.ofHours(2));
        poller.close();
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(poller.await("run 8", () -> 1, n -> true, Duration.ofHours(1)))
                .isCompletedExceptionally();
    }

    @Test
    void refusesIntervalsOutOfOrder() {
        assertThatThrownBy(() -> new RunPoller("t", Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
