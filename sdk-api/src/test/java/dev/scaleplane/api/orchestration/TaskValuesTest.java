package dev.scaleplane.api.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.TraceParent;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskValuesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void requestsKeepEverySettingAndCopyThroughToBuilder() {
        TraceParent trace = TraceParent.newRoot();
        TaskRequest r = TaskRequest.builder("deploy.cluster", "payload")
                .priority(TaskPriority.HIGH)
                .key("ams-1")
                .notBefore(T0)
                .deadline(T0.plusSeconds(60))
                .maxAttempts(3)
                .idempotencyKey("req-7")
                .tenant("acme")
                .correlationId("corr-1")
                .traceparent(trace)
                .build();
        TaskRequest copy = r.toBuilder().build();
        for (TaskRequest x : List.of(r, copy)) {
            assertThat(x.type()).isEqualTo("deploy.cluster");
            assertThat(x.payload()).isEqualTo("payload");
            assertThat(x.priority()).isEqualTo(TaskPriority.HIGH);
            assertThat(x.key()).isEqualTo("ams-1");
            assertThat(x.notBefore()).isEqualTo(T0);
            assertThat(x.deadline()).isEqualTo(T0.plusSeconds(60));
            assertThat(x.maxAttempts()).isEqualTo(3);
            assertThat(x.idempotencyKey()).isEqualTo("req-7");
            assertThat(x.tenant()).isEqualTo("acme");
            assertThat(x.correlationId()).isEqualTo("corr-1");
            assertThat(x.traceparent()).isEqualTo(trace);
        }
        TaskRequest defaults = TaskRequest.of("t", 1);
        assertThat(defaults.priority()).isEqualTo(TaskPriority.NORMAL);
        assertThat(defaults.maxAttempts()).isZero();
        assertThat(defaults.key()).isNull();
    }

    @Test
    void requestBuildersRejectBadValuesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> TaskRequest.of("bad type!", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad type!'");
        assertThatThrownBy(() -> TaskRequest.builder("t", "p").maxAttempts(-1))
                .hasMessage("maxAttempts must be >= 0, but was -1");
        assertThatThrownBy(() -> TaskRequest.builder("t", "p").key(" "))
                .hasMessage("key must not be blank, but was ' '");
        assertThatThrownBy(() -> TaskRequest.builder("t", "p")
                        .notBefore(T0)
                        .deadline(T0.minusSeconds(1))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must not be before notBefore");
    }

    @Test
    void optionsValidateAndResolvePerTypeRetryPolicies() {
        RetryPolicy special = RetryPolicy.none();
        TaskQueueOptions o = TaskQueueOptions.builder()
                .capacity(5)
                .retryPolicy("special", special)
                .agingInterval(Duration.ofSeconds(3))
                .build();
        assertThat(o.retryPolicyFor("special")).isSameAs(special);
        assertThat(o.retryPolicyFor("other")).isEqualTo(RetryPolicy.defaults());
        assertThat(o.toBuilder().build().capacity()).isEqualTo(5);
        assertThat(TaskQueueOptions.defaults().capacity()).isEqualTo(TaskQueueOptions.DEFAULT_CAPACITY);
        assertThatThrownBy(() -> TaskQueueOptions.builder().capacity(0)).hasMessage("capacity must be >= 1, but was 0");
        assertThatThrownBy(() -> TaskQueueOptions.builder().agingInterval(Duration.ZERO))
                .hasMessage("agingInterval must be > 0, but was PT0S");
        assertThatThrownBy(() -> TaskQueueOptions.builder().deadLetterCapacity(0))
                .hasMessage("deadLetterCapacity must be >= 1, but was 0");
    }

    @Test
    void terminalStatesAreExactlyTheFinishedOnes() {
        EnumSet<TaskState> terminal = EnumSet.noneOf(TaskState.class);
        for (TaskState s : TaskState.values()) {
            if (s.isTerminal()) {
                terminal.add(s);
            }
        }
        assertThat(terminal)
                .containsExactlyInAnyOrder(
                        TaskState.SUCCEEDED, TaskState.FAILED, TaskState.DEAD_LETTERED, TaskState.CANCELLED);
    }

    @Test
    void prioritiesHaveFiveRanksMostUrgentFirst() {
        assertThat(TaskPriority.values()).extracting(TaskPriority::rank).containsExactly(0, 1, 2, 3, 4);
        assertThat(TaskPriority.HIGHEST.rank()).isLessThan(TaskPriority.LOWEST.rank());
    }

    @Test
    void tasksKnowTheirLastAttemptAndCastTheirPayload() {
        Task t = new Task("id", TaskRequest.of("t", "text"), 2, 2, T0);
        assertThat(t.isLastAttempt()).isTrue();
        assertThat(t.payload(String.class)).isEqualTo("text");
        assertThatThrownBy(() -> t.payload(Integer.class)).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> new Task("id", TaskRequest.of("t", "x"), 0, 1, T0))
                .hasMessage("attempt must be >= 1, but was 0");
    }

    @Test
    void exceptionsCarryTheirContext() {
        LeaseLostException lost = new LeaseLostException("task-1", "w1", 3, LeaseLostException.Reason.EXPIRED, T0);
        assertThat(lost.getMessage()).contains("task-1", "w1", "attempt 3", T0.toString(), "heartbeat");
        QueueFullException full = new QueueFullException("deploy", 10);
        assertThat(full.getMessage()).contains("10", "deploy");
        TaskFailedException failed =
                new TaskFailedException("task-2", "deploy", TaskState.DEAD_LETTERED, 5, "all 5 attempts failed", null);
        assertThat(failed.getMessage()).contains("task-2", "DEAD_LETTERED", "5 attempt");
    }

    @Test
    void theSystemClockSchedulesActions() throws Exception {
        TaskClock clock = TaskClock.system();
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        clock.schedule(Duration.ZERO, ran::countDown);
        assertThat(ran.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(clock.now()).isAfter(T0);
    }
}
