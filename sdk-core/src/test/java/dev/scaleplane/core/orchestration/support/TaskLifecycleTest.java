package dev.scaleplane.core.orchestration.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final RetryPolicy POLICY = RetryPolicy.builder()
            .maxAttempts(3)
            .fixed(Duration.ofSeconds(10))
            .jitter(0)
            .nonRetryable(IllegalArgumentException.class)
            .build();

    @Test
    void aNonRetryableFailureIsDeadLetteredEvenWithAttemptsLeft() {
        AttemptVerdict v =
                TaskLifecycle.afterFailedAttempt(POLICY, 1, 3, new IllegalArgumentException("bad"), null, NOW, 0.5);
        assertThat(v)
                .isEqualTo(
                        new AttemptVerdict.DeadLetter(TaskDeadLetter.Reason.NON_RETRYABLE, "a non-retryable failure"));
        assertThat(v.outcome().state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(v.outcome().retryAt()).isNull();
    }

    @Test
    void theLastAttemptIsDeadLetteredWhetherItFailedOrLapsed() {
        AttemptVerdict failed =
                TaskLifecycle.afterFailedAttempt(POLICY, 3, 3, new IllegalStateException("x"), null, NOW, 0.5);
        AttemptVerdict lapsed = TaskLifecycle.afterFailedAttempt(POLICY, 3, 3, null, null, NOW, 0.5);
        AttemptVerdict.DeadLetter expected =
                new AttemptVerdict.DeadLetter(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED, "all 3 attempts failed");
        assertThat(failed).isEqualTo(expected);
        assertThat(lapsed).isEqualTo(expected);
    }

    @Test
    void aFailureIsRetriedAfterThePolicysDelayAndALapseAtOnce() {
        assertThat(TaskLifecycle.afterFailedAttempt(POLICY, 1, 3, new IllegalStateException("x"), null, NOW, 0.5))
                .isEqualTo(new AttemptVerdict.Retry(NOW.plusSeconds(10)));
        AttemptVerdict lapse = TaskLifecycle.afterFailedAttempt(POLICY, 1, 3, null, null, NOW, 0.5);
        assertThat(lapse).isEqualTo(new AttemptVerdict.Retry(NOW));
        assertThat(lapse.outcome().state()).isEqualTo(TaskState.QUEUED);
        assertThat(lapse.outcome().retryAt()).isEqualTo(NOW);
    }

    @Test
    void aRetryThatCouldNotStartBeforeTheDeadlineFailsTheTask() {
        Instant deadline = NOW.plusSeconds(10); // the retry would start exactly at it: too late
        AttemptVerdict v =
                TaskLifecycle.afterFailedAttempt(POLICY, 1, 3, new IllegalStateException("x"), deadline, NOW, 0.5);
        assertThat(v)
                .isEqualTo(new AttemptVerdict.Fail(
                        "the next attempt would start after its deadline 2026-12-06T10:00:10Z"));
        assertThat(TaskLifecycle.afterFailedAttempt(
                        POLICY, 1, 3, new IllegalStateException("x"), deadline.plusMillis(1), NOW, 0.5))
                .isInstanceOf(AttemptVerdict.Retry.class);
    }

    @Test
    void exhaustedAttemptsWinOverTheDeadline() {
        assertThat(TaskLifecycle.afterFailedAttempt(POLICY, 3, 3, null, NOW, NOW, 0.5))
                .isInstanceOf(AttemptVerdict.DeadLetter.class);
    }

    @Test
    void maxAttemptsAndReadyAtFollowTheRequestThenThePolicy() {
        TaskQueueOptions options =
                TaskQueueOptions.builder().retryPolicy("deploy", POLICY).build();
        TaskRequest plain = TaskRequest.builder("deploy", "x").build();
        assertThat(TaskLifecycle.maxAttempts(plain, options)).isEqualTo(3);
        TaskRequest own = TaskRequest.builder("deploy", "x")
                .maxAttempts(7)
                .notBefore(NOW.plusSeconds(5))
                .build();
        assertThat(TaskLifecycle.maxAttempts(own, options)).isEqualTo(7);
        assertThat(TaskLifecycle.readyAt(own, NOW)).isEqualTo(NOW.plusSeconds(5));
        assertThat(TaskLifecycle.readyAt(own, NOW.plusSeconds(9))).isEqualTo(NOW.plusSeconds(9));
        assertThat(TaskLifecycle.readyAt(plain, NOW)).isEqualTo(NOW);
    }

    @Test
    void failureRecordsAndWords() {
        TaskFailure f = TaskLifecycle.failure(2, "w1", new IllegalStateException(), NOW);
        assertThat(f).isEqualTo(new TaskFailure(2, "w1", IllegalStateException.class.getName(), "", NOW));
        TaskFailure lapse = TaskLifecycle.leaseLapsed(1, "w1", NOW, NOW.plusMillis(3));
        assertThat(lapse.exceptionType()).isEqualTo(TaskFailure.LEASE_EXPIRED);
        assertThat(lapse.message()).isEqualTo("lease expired at 2026-12-06T10:00:00Z without a heartbeat");
        assertThat(TaskLifecycle.deadlinePassed(NOW)).isEqualTo("its deadline 2026-12-06T10:00:00Z passed");
    }

    @Test
    void durationsAndLimitsAreChecked() {
        assertThatThrownBy(() -> TaskLifecycle.requirePositive(Duration.ZERO, "extension"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension must be > 0, but was PT0S");
        assertThat(TaskLifecycle.requirePositive(Duration.ofMillis(1), "x")).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> TaskLifecycle.requireLimit(0)).hasMessage("limit must be >= 1, but was 0");
        assertThat(TaskLifecycle.requireLimit(1)).isEqualTo(1);
    }
}
