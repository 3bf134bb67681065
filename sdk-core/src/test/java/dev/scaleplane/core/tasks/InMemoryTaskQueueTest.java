package dev.scaleplane.core.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory queue on virtual time: every expectation is exact, nothing sleeps. */
class InMemoryTaskQueueTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    /** No jitter, 1 s doubling: retries at +1 s, +2 s, +4 s. */
    private static final RetryPolicy EXACT = RetryPolicy.builder()
            .exponential(Duration.ofSeconds(1), 2.0)
            .jitter(0)
            .maxAttempts(4)
            .build();

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private InMemoryTaskQueue queue =
            queue(TaskQueueOptions.builder().retryPolicy(EXACT).build());

    private InMemoryTaskQueue queue(TaskQueueOptions options) {
        return new InMemoryTaskQueue(options, clock, () -> 0.5);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private Lease leaseOne(String worker) {
        List<Lease> leases = queue.lease(worker, 1, VISIBILITY);
        assertThat(leases).hasSize(1);
        return leases.get(0);
    }

    @Test
    void aLapsedLeaseIsHandedOutAgainAndTheOldLeaseIsLost() {
        TaskHandle handle = queue.submit(TaskRequest.of("deploy", "payload"));
        Lease first = leaseOne("w1");
        assertThat(first.task().attempt()).isEqualTo(1);
        assertThat(first.expiresAt()).isEqualTo(clock.now().plus(VISIBILITY));
        assertThat(handle.state()).isEqualTo(TaskState.LEASED);
        assertThat(queue.lease("w2", 1, VISIBILITY)).isEmpty();

        clock.advance(VISIBILITY.minusMillis(1));
        assertThat(handle.state()).isEqualTo(TaskState.LEASED);
        clock.advance(Duration.ofMillis(1));
        assertThat(handle.state()).isEqualTo(TaskState.QUEUED);

        Lease second = leaseOne("w2");
        assertThat(second.task().id()).isEqualTo(handle.id());
        assertThat(second.task().attempt()).isEqualTo(2);
        assertThatThrownBy(() -> first.complete("late"))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                        .isEqualTo(LeaseLostException.Reason.EXPIRED));
        second.complete("done");
        assertThat(handle.result()).isCompletedWithValue("done");
        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(queue.size()).isZero();
        assertThatThrownBy(() -> second.heartbeat(VISIBILITY))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                        .isEqualTo(LeaseLostException.Reason.ENDED));
    }

    @Test
    void aLeasePastItsExpiryIsLostEvenBeforeItsTimerRuns() {
        // Two expiries at the same instant: whichever runs first, a lease at its expiry is gone.
        queue.submit(TaskRequest.of("deploy", "a"));
        Lease lease = leaseOne("w1");
        clock.advance(VISIBILITY);
        assertThatThrownBy(() -> lease.heartbeat(VISIBILITY)).isInstanceOf(LeaseLostException.class);
        assertThat(leaseOne("w2").task().attempt()).isEqualTo(2);
    }

    @Test
    void heartbeatsKeepTheLease() {
        TaskHandle handle = queue.submit(TaskRequest.of("deploy", "payload"));
        Lease lease = leaseOne("w1");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertThat(lease.heartbeat(VISIBILITY)).isEqualTo(clock.now().plus(VISIBILITY));
        }
        // 100 s after the lease, three visibility timeouts later, no one else got the task.
        assertThat(queue.lease("w2", 1, VISIBILITY)).isEmpty();
        assertThat(handle.state()).isEqualTo(TaskState.LEASED);
        lease.complete(42);
        assertThat(handle.result()).isCompletedWithValue(42);
    }

    @Test
    void failuresAreRetriedOnThePolicysSchedule() {
        TaskHandle handle = queue.submit(TaskRequest.of("deploy", "payload"));
        Instant start = clock.now();
        List<Duration> retryDelays = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Lease lease = leaseOne("w1");
            assertThat(lease.task().attempt()).isEqualTo(attempt);
            Lease.FailureOutcome outcome = lease.fail(new IllegalStateException("boom " + attempt));
            assertThat(outcome.state()).isEqualTo(TaskState.QUEUED);
            Duration delay = Duration.between(clock.now(), outcome.retryAt());
            retryDelays.add(delay);
            clock.advance(delay.minusMillis(1));
            assertThat(queue.lease("w1", 1, VISIBILITY))
                    .as("not before the backoff")
                    .isEmpty();
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(retryDelays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        leaseOne("w1").complete("ok");
        assertThat(handle.result()).isCompletedWithValue("ok");
        assertThat(Duration.between(start, clock.now())).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void jitterAndPerTypeOverridesComeFromTheRetryPolicy() {
        queue.close();
        queue = queue(TaskQueueOptions.builder()
                .retryPolicy(RetryPolicy.builder()
                        .fixed(Duration.ofSeconds(10))
                        .jitter(1)
                        .build())
                .retryPolicy(
                        "linear",
                        RetryPolicy.builder()
                                .linear(Duration.ofSeconds(3))
                                .jitter(0)
                                .build())
                .build());
        queue.submit(TaskRequest.of("fixed", "a"));
        queue.submit(TaskRequest.of("linear", "b"));
        Instant now = clock.now();
        // Full jitter with the injected random value 0.5 halves the 10 s delay.
        assertThat(queue.lease("w", 1, VISIBILITY, Set.of("fixed"))
                        .get(0)
                        .fail(new RuntimeException())
                        .retryAt())
                .isEqualTo(now.plusSeconds(5));
        assertThat(queue.lease("w", 1, VISIBILITY, Set.of("linear"))
                        .get(0)
                        .fail(new RuntimeException())
                        .retryAt())
                .isEqualTo(now.plusSeconds(3));
        clock.advance(Duration.ofSeconds(3));
        assertThat(queue.lease("w", 1, VISIBILITY, Set.of("linear"))
                        .get(0)
                        .fail(new RuntimeException())
                        .retryAt())
                .isEqualTo(clock.now().plusSeconds(6));
    }

    @Test
    void theLastFailedAttemptDeadLettersTheTaskWithItsHistory() {
        TaskHandle handle = queue.submit(
                TaskRequest.builder("deploy", "payload").maxAttempts(3).build());
        leaseOne("w1").fail(new IllegalStateException("first"));
        clock.advance(Duration.ofSeconds(1));
        leaseOne("w2"); // this worker dies: its lease lapses
        clock.advance(VISIBILITY);
        Lease last = leaseOne("w3");
        assertThat(last.task().isLastAttempt()).isTrue();
        assertThat(last.fail(new IllegalArgumentException("third")))
                .isEqualTo(new Lease.FailureOutcome(TaskState.DEAD_LETTERED, null));

        assertThat(handle.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(handle.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> handle.result().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.state()).isEqualTo(TaskState.DEAD_LETTERED);
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.taskId()).isEqualTo(handle.id());
                    assertThat(e.getCause()).hasMessage("third");
                });
        TaskDeadLetter dl = queue.deadLetters().find(handle.id()).orElseThrow();
        assertThat(dl.reason()).isEqualTo(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED);
        assertThat(dl.failures())
                .extracting(TaskFailure::attempt, TaskFailure::workerId, TaskFailure::exceptionType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "w1", IllegalStateException.class.getName()),
                        org.assertj.core.groups.Tuple.tuple(2, "w2", TaskFailure.LEASE_EXPIRED),
                        org.assertj.core.groups.Tuple.tuple(3, "w3", IllegalArgumentException.class.getName()));
        assertThat(dl.lastFailure().message()).isEqualTo("third");
        assertThat(queue.deadLetters().list(10)).containsExactly(dl);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aLapseOnTheLastAttemptDeadLettersTheTask() {
        TaskHandle handle =
                queue.submit(TaskRequest.builder("deploy", "p").maxAttempts(1).build());
        leaseOne("w1");
        clock.advance(VISIBILITY);
        assertThat(handle.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(queue.deadLetters()
                        .find(handle.id())
                        .orElseThrow()
                        .lastFailure()
                        .exceptionType())
                .isEqualTo(TaskFailure.LEASE_EXPIRED);
    }

    @Test
    void nonRetryableFailuresAreDeadLetteredAtOnce() {
        queue.close();
        queue = queue(TaskQueueOptions.builder()
                .retryPolicy(EXACT.toBuilder()
                        .nonRetryable(IllegalArgumentException.class)
                        .build())
                .build());
        TaskHandle handle = queue.submit(TaskRequest.of("deploy", "p"));
        assertThat(leaseOne("w").fail(new IllegalArgumentException("bad input")).state())
                .isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(queue.deadLetters().find(handle.id()).orElseThrow().reason())
                .isEqualTo(TaskDeadLetter.Reason.NON_RETRYABLE);
    }

    @Test
    void deadLettersAreRedrivenOneByFilterOrAll() {
        List<TaskHandle> handles = new ArrayList<>();
        for (String type : List.of("a", "b", "b", "c")) {
            handles.add(
                    queue.submit(TaskRequest.builder(type, "p").maxAttempts(1).build()));
        }
        for (int i = 0; i < 4; i++) {
            leaseOne("w").fail(new RuntimeException("no"));
        }
        assertThat(queue.deadLetters().list(10)).hasSize(4);

        TaskHandle again = queue.deadLetters().redrive(handles.get(0).id());
        assertThat(again.id()).isEqualTo(handles.get(0).id());
        assertThat(again.result()).isNotSameAs(handles.get(0).result()).isNotDone();
        assertThat(again.state()).isEqualTo(TaskState.QUEUED);
        Lease lease = leaseOne("w");
        assertThat(lease.task().attempt()).as("attempts start over").isEqualTo(1);
        lease.complete("fixed");
        assertThat(again.result()).isCompletedWithValue("fixed");
        assertThat(queue.deadLetters().find(again.id())).isEmpty();

        assertThat(queue.deadLetters().redrive(dl -> dl.task().type().equals("b")))
                .isEqualTo(2);
        assertThat(queue.deadLetters().list(10))
                .extracting(dl -> dl.task().type())
                .containsExactly("c");
        assertThat(queue.deadLetters().redriveAll()).isEqualTo(1);
        assertThat(queue.deadLetters().list(10)).isEmpty();
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.lease("w", 10, VISIBILITY)).hasSize(3);

        assertThatThrownBy(() -> queue.deadLetters().redrive("nope")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void discardedDeadLettersCannotBeRedriven() {
        TaskHandle h = queue.submit(TaskRequest.builder("a", "p").maxAttempts(1).build());
        leaseOne("w").fail(new RuntimeException());
        assertThat(queue.deadLetters().discard(h.id())).isTrue();
        assertThat(queue.deadLetters().discard(h.id())).isFalse();
        assertThatThrownBy(() -> queue.deadLetters().redrive(h.id())).isInstanceOf(NoSuchElementException.class);
        assertThat(queue.state(h.id())).contains(TaskState.DEAD_LETTERED);
    }

    @Test
    void theOldestDeadLettersAreDroppedBeyondTheCapacity() {
        queue.close();
        queue = queue(TaskQueueOptions.builder().deadLetterCapacity(2).build());
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handles.add(queue.submit(TaskRequest.builder("t", i).maxAttempts(1).build()));
            leaseOne("w").fail(new RuntimeException("no"));
        }
        assertThat(queue.deadLetters().list(10))
                .extracting(TaskDeadLetter::taskId)
                .containsExactly(handles.get(1).id(), handles.get(2).id());
    }

    @Test
    void readyTasksAreLeasedByPriority() {
        List<TaskPriority> order = List.of(
                TaskPriority.LOW, TaskPriority.NORMAL, TaskPriority.HIGHEST, TaskPriority.LOWEST, TaskPriority.HIGH);
        for (TaskPriority p : order) {
            queue.submit(TaskRequest.builder("t", p).priority(p).build());
        }
        assertThat(queue.lease("w", 10, VISIBILITY))
                .extracting(l -> l.task().payload(TaskPriority.class))
                .containsExactly(
                        TaskPriority.HIGHEST,
                        TaskPriority.HIGH,
                        TaskPriority.NORMAL,
                        TaskPriority.LOW,
                        TaskPriority.LOWEST);
    }

    @Test
    void agingKeepsALowPriorityTaskFromStarvingUnderSustainedUrgentLoad() {
        queue.close();
        queue = queue(
                TaskQueueOptions.builder().agingInterval(Duration.ofSeconds(10)).build());
        TaskHandle low = queue.submit(
                TaskRequest.builder("t", "low").priority(TaskPriority.LOWEST).build());
        Duration leasedAfter = null;
        // One new HIGHEST task per second and one lease per second: the worker is never idle.
        for (int second = 1; second <= 60 && leasedAfter == null; second++) {
            clock.advance(Duration.ofSeconds(1));
            queue.submit(TaskRequest.builder("t", "urgent")
                    .priority(TaskPriority.HIGHEST)
                    .build());
            Lease lease = leaseOne("w");
            lease.complete(null);
            if (lease.task().id().equals(low.id())) {
                leasedAfter = Duration.ofSeconds(second);
            }
        }
        // Four levels to climb at 10 s each; then it is the oldest task at rank 0.
        assertThat(leasedAfter).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void delayedTasksWaitForTheirNotBeforeTime() {
        TaskHandle later = queue.submit(TaskRequest.builder("t", "later")
                .notBefore(clock.now().plus(Duration.ofMinutes(5)))
                .build());
        TaskHandle now = queue.submit(TaskRequest.of("t", "now"));
        Lease first = leaseOne("w");
        assertThat(first.task().id()).isEqualTo(now.id());
        first.complete(null);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(queue.lease("w", 1, VISIBILITY)).isEmpty();
        assertThat(later.state()).isEqualTo(TaskState.QUEUED);
        clock.advance(Duration.ofMillis(1));
        assertThat(leaseOne("w").task().id()).isEqualTo(later.id());
    }

    @Test
    void aDeadlineThatPassesFailsTheTask() {
        TaskHandle h = queue.submit(TaskRequest.builder("t", "p")
                .deadline(clock.now().plusSeconds(10))
                .build());
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThatThrownBy(() -> h.result().join())
                .cause()
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.state()).isEqualTo(TaskState.FAILED));
        assertThat(queue.lease("w", 1, VISIBILITY)).isEmpty();
        assertThat(queue.deadLetters().list(1)).isEmpty();
    }

    @Test
    void aRetryThatWouldStartAfterTheDeadlineFailsTheTask() {
        TaskHandle h = queue.submit(TaskRequest.builder("t", "p")
                .deadline(clock.now().plusMillis(500))
                .build());
        assertThat(leaseOne("w").fail(new RuntimeException()).state()).isEqualTo(TaskState.FAILED);
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
    }

    @Test
    void aSecondSubmissionWithTheSameIdempotencyKeyReturnsTheFirstHandleInsideTheWindow() {
        queue.close();
        queue = queue(TaskQueueOptions.builder()
                .idempotencyWindow(Duration.ofMinutes(10))
                .build());
        TaskHandle first = queue.submit(
                TaskRequest.builder("t", "1").idempotencyKey("deploy-42").build());
        clock.advance(Duration.ofMinutes(9));
        TaskHandle second = queue.submit(
                TaskRequest.builder("t", "2").idempotencyKey("deploy-42").build());
        assertThat(second).isSameAs(first);
        assertThat(queue.size()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        TaskHandle third = queue.submit(
                TaskRequest.builder("t", "3").idempotencyKey("deploy-42").build());
        assertThat(third.id()).isNotEqualTo(first.id());
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void aKeyIsLeasedToOneWorkerAtATime() {
        TaskHandle k1 =
                queue.submit(TaskRequest.builder("t", "k1").key("cluster-ams").build());
        TaskHandle k2 =
                queue.submit(TaskRequest.builder("t", "k2").key("cluster-ams").build());
        TaskHandle other =
                queue.submit(TaskRequest.builder("t", "o").key("cluster-par").build());
        List<Lease> leases = queue.lease("w1", 10, VISIBILITY);
        assertThat(leases).extracting(l -> l.task().id()).containsExactly(k1.id(), other.id());
        assertThat(queue.lease("w2", 10, VISIBILITY)).isEmpty();

        leases.get(0).complete(null);
        leases.get(1).complete(null);
        Lease next = leaseOne("w2");
        assertThat(next.task().id()).isEqualTo(k2.id());
        next.fail(new RuntimeException("retry me"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(leaseOne("w3").task().id()).as("a failure frees the key").isEqualTo(k2.id());
        clock.advance(VISIBILITY);
        assertThat(leaseOne("w4").task().id()).as("a lapse frees the key").isEqualTo(k2.id());
    }

    @Test
    void aFullQueueRejectsSubmissionsUntilATaskFinishes() {
        queue.close();
        queue = queue(TaskQueueOptions.builder().capacity(2).build());
        queue.submit(TaskRequest.of("t", "1"));
        queue.submit(TaskRequest.of("t", "2"));
        assertThatThrownBy(() -> queue.submit(TaskRequest.of("deploy", "3")))
                .isInstanceOfSatisfying(QueueFullException.class, e -> {
                    assertThat(e.capacity()).isEqualTo(2);
                    assertThat(e.type()).isEqualTo("deploy");
                });
        Lease lease = leaseOne("w");
        assertThat(queue.size()).as("a leased task still counts").isEqualTo(2);
        assertThatThrownBy(() -> queue.submit(TaskRequest.of("t", "3"))).isInstanceOf(QueueFullException.class);
        lease.complete(null);
        assertThat(queue.submit(TaskRequest.of("t", "3")).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void cancellingEndsQueuedAndLeasedTasks() {
        TaskHandle queued = queue.submit(
                TaskRequest.builder("t", "q").priority(TaskPriority.LOW).build());
        TaskHandle leased = queue.submit(TaskRequest.of("t", "l"));
        Lease lease = leaseOne("w");
        assertThat(lease.task().id()).isEqualTo(leased.id());

        assertThat(leased.cancel()).isTrue();
        assertThat(leased.cancel()).isFalse();
        assertThat(queued.cancel()).isTrue();
        assertThat(leased.state()).isEqualTo(TaskState.CANCELLED);
        assertThatThrownBy(() -> leased.result().join()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> lease.complete("too late"))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                        .isEqualTo(LeaseLostException.Reason.CANCELLED));
        assertThat(queue.lease("w", 10, VISIBILITY)).isEmpty();
        assertThat(queue.size()).isZero();
    }

    @Test
    void finishedTasksAreForgottenAfterTheRetention() {
        queue.close();
        queue = queue(
                TaskQueueOptions.builder().retention(Duration.ofMinutes(5)).build());
        TaskHandle h = queue.submit(TaskRequest.of("t", "p"));
        leaseOne("w").complete(null);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(queue.state(h.id())).contains(TaskState.SUCCEEDED);
        clock.advance(Duration.ofMillis(1));
        assertThat(queue.state(h.id())).isEmpty();
        assertThat(queue.handle(h.id())).isEmpty();
    }

    @Test
    void beyondTheRetentionCapacityTheOldestFinishedTasksAreForgottenEarly() {
        queue.close();
        queue = queue(TaskQueueOptions.builder().retentionCapacity(2).build());
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handles.add(queue.submit(TaskRequest.of("t", i)));
            leaseOne("w").complete(i);
        }
        assertThat(queue.state(handles.get(0).id())).as("the oldest, beyond 2").isEmpty();
        assertThat(queue.state(handles.get(1).id())).contains(TaskState.SUCCEEDED);
        assertThat(queue.state(handles.get(2).id())).contains(TaskState.SUCCEEDED);
        assertThat(handles.get(0).result())
                .as("its handle still holds the result")
                .isCompletedWithValue(0);
    }

    @Test
    void closingFailsUnfinishedTasksAndRefusesWork() {
        TaskHandle queued = queue.submit(TaskRequest.of("t", "q"));
        TaskHandle leased = queue.submit(TaskRequest.of("t", "l"));
        Lease lease = leaseOne("w");
        queue.close();
        assertThatThrownBy(() -> queued.result().join()).cause().isInstanceOf(TaskQueueClosedException.class);
        assertThat(leased.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> lease.heartbeat(VISIBILITY))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                        .isEqualTo(LeaseLostException.Reason.CLOSED));
        assertThatThrownBy(() -> queue.submit(TaskRequest.of("t", "x"))).isInstanceOf(TaskQueueClosedException.class);
        assertThatThrownBy(() -> queue.lease("w", 1, VISIBILITY)).isInstanceOf(TaskQueueClosedException.class);
    }

    @Test
    void argumentsAreValidatedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> queue.lease("w", 0, VISIBILITY)).hasMessage("maxTasks must be >= 1, but was 0");
        assertThatThrownBy(() -> queue.lease("w", 1, Duration.ZERO))
                .hasMessage("visibilityTimeout must be > 0, but was PT0S");
        assertThatThrownBy(() -> queue.deadLetters().list(0)).hasMessage("limit must be >= 1, but was 0");
    }
}
