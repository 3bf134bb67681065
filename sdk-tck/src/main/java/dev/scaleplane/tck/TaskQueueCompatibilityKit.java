package dev.scaleplane.tck;

import static dev.scaleplane.api.orchestration.TaskQueueCapability.BOUNDED;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.DELAYED_TASKS;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.IDEMPOTENCY;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.KEY_CONCURRENCY;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.PER_KEY_MUTEX;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.PRIORITIES;
import static dev.scaleplane.api.orchestration.TaskQueueCapability.RATE_LIMITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.UnsupportedCapabilityException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link TaskQueue}, for every backend. A backend module adds one subclass in its tests that
 * implements {@link #createQueue(TaskQueueOptions, VirtualTaskClock)}, {@link #capabilities()}, {@link #provider()}
 * and {@link #providerConfig()}, for example:
 *
 * <pre>{@code
 * class InMemoryTaskQueueCompatibilityTest extends TaskQueueCompatibilityKit {
 *     protected TaskQueue createQueue(TaskQueueOptions options, VirtualTaskClock clock) {
 *         return new InMemoryTaskQueue(options, clock, () -> 0.5);
 *     }
 *
 *     protected Set<TaskQueueCapability> capabilities() {
 *         return new InMemoryTaskQueueProvider().capabilities();
 *     }
 *
 *     protected TaskQueueProvider provider() {
 *         return new InMemoryTaskQueueProvider();
 *     }
 *
 *     protected ConfigProperties providerConfig() {
 *         return ScaleplaneProperties.of(Map.of());
 *     }
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * Each test is one clause of the contract, named by its {@link DisplayName}: leases and redelivery after a worker
 * crash (a lapsed lease), heartbeat extension, the retry schedule, dead letters after the last attempt with their
 * failure history (a lapsed last attempt included), deadlines, redrive (one, a filter, all), cancellation, asynchronous
 * submission, and seeded randomized scenarios (many workers, random
 * failures and crashes) checked for tasks lost or finished twice, and asynchronous lease ends
 * ({@link Lease#completeAsync}, {@link Lease#failAsync}). Optional behaviour (priorities and aging, delayed
 * tasks, idempotency, per-key mutex, bound) is gated by the declared {@link TaskQueueCapability capabilities}: each
 * such test is a {@link TestFactory} that yields its one {@link DynamicTest} only when the capability is declared,
 * and no test at all otherwise, so nothing is reported as skipped.
 *
 * <h2>How the kit behaves</h2>
 *
 * Everything runs on a {@link VirtualTaskClock}: the queue under test must read every instant and schedule every
 * expiry through the clock it is given. Assertions are therefore exact (a retry is ready exactly at its backoff, not
 * a millisecond earlier) and nothing sleeps. Retry policies used by the kit have no jitter. Every queue created is
 * closed after the test.
 */
public abstract class TaskQueueCompatibilityKit {

    /** Visibility timeout of every lease the kit takes. */
    protected static final Duration VISIBILITY = Duration.ofSeconds(30);

    /** Retries at +1 s, +2 s, +4 s; four attempts; {@link TckNonRetryableException} is final. */
    private static final RetryPolicy EXACT = RetryPolicy.builder()
            .exponential(Duration.ofSeconds(1), 2.0)
            .jitter(0)
            .maxAttempts(4)
            .nonRetryable(TckNonRetryableException.class)
            .build();

    /** The clock of the current test. */
    protected final VirtualTaskClock clock = new VirtualTaskClock();

    private final List<TaskQueue> queues = new ArrayList<>();

    /**
     * Creates a new, empty queue of the backend under test that honours {@code options} and reads all time from
     * {@code clock}. Called once or more per test; the kit closes each queue after the test.
     */
    protected abstract TaskQueue createQueue(TaskQueueOptions options, VirtualTaskClock clock);

    /** What the backend declares; must equal its provider's {@code capabilities()}. */
    protected abstract Set<TaskQueueCapability> capabilities();

    /**
     * The backend's provider. The kit creates queues through it as a platform does, handing it the options given to
     * {@code Scaleplane.builder().taskQueueOptions(...)} as the context component {@link TaskQueueOptions}.
     */
    protected abstract TaskQueueProvider provider();

    /**
     * Configuration that points {@link #provider()} at the backend under test, with names of its own (a new topic
     * prefix, queue or virtual host) on every call, so that each queue starts empty.
     */
    protected abstract ConfigProperties providerConfig();

    /** A queue created by {@link #provider()} from {@link #providerConfig()} with {@code options} as the context's. */
    private TaskQueue queueFromProvider(TaskQueueOptions options) {
        TaskQueue q = provider().create(KitProviderContext.of(providerConfig(), options, clock));
        queues.add(q);
        return q;
    }

    /** Closes every queue the test created. */
    @AfterEach
    void closeQueues() {
        queues.forEach(TaskQueue::close);
        queues.clear();
    }

    private TaskQueue queue(TaskQueueOptions options) {
        TaskQueue q = createQueue(options, clock);
        queues.add(q);
        return q;
    }

    private TaskQueue queue() {
        return queue(TaskQueueOptions.builder().retryPolicy(EXACT).build());
    }

    private static Lease leaseOne(TaskQueue q, String worker) {
        List<Lease> leases = q.lease(worker, 1, VISIBILITY);
        assertThat(leases).as("leases for %s", worker).hasSize(1);
        return leases.get(0);
    }

    private Stream<DynamicTest> onlyIf(TaskQueueCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.of(DynamicTest.dynamicTest(capability + " declared", body))
                : Stream.empty();
    }

    private Stream<DynamicTest> onlyWithout(TaskQueueCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.empty()
                : Stream.of(DynamicTest.dynamicTest(capability + " not declared", body));
    }

    // ---- leases ----

    @Test
    @DisplayName("a task whose worker crashed is handed out again when its lease lapses")
    void redeliveryAfterACrash() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.of("tck", "p"));
        Lease crashed = leaseOne(q, "w1");
        assertThat(h.state()).isEqualTo(TaskState.LEASED);
        assertThat(q.lease("w2", 1, VISIBILITY)).isEmpty();
        clock.advance(VISIBILITY.minusMillis(1));
        assertThat(q.lease("w2", 1, VISIBILITY)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        Lease again = leaseOne(q, "w2");
        assertThat(again.task().id()).isEqualTo(h.id());
        assertThat(again.task().attempt()).isEqualTo(2);
        assertThatThrownBy(() -> crashed.complete("late")).isInstanceOf(LeaseLostException.class);
        again.complete("done");
        assertThat(h.result()).isCompletedWithValue("done");
        assertThat(q.state(h.id())).contains(TaskState.SUCCEEDED);
    }

    @Test
    @DisplayName("heartbeats extend a lease past its visibility timeout")
    void heartbeats() {
        TaskQueue q = queue();
        q.submit(TaskRequest.of("tck", "p"));
        Lease lease = leaseOne(q, "w1");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(25));
            assertThat(lease.heartbeat(VISIBILITY)).isEqualTo(clock.now().plus(VISIBILITY));
        }
        assertThat(q.lease("w2", 1, VISIBILITY)).isEmpty();
        lease.complete(null);
        assertThatThrownBy(() -> lease.heartbeat(VISIBILITY)).isInstanceOf(LeaseLostException.class);
    }

    // ---- retries and dead letters ----

    @Test
    @DisplayName("failures are retried exactly on the retry policy's schedule")
    void retrySchedule() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.of("tck", "p"));
        for (Duration expected : List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4))) {
            Lease.FailureOutcome outcome = leaseOne(q, "w").fail(new TckHandlerException("fail"));
            assertThat(outcome.state()).isEqualTo(TaskState.QUEUED);
            assertThat(outcome.retryAt()).isEqualTo(clock.now().plus(expected));
            clock.advance(expected.minusMillis(1));
            assertThat(q.lease("w", 1, VISIBILITY)).as("before the backoff").isEmpty();
            clock.advance(Duration.ofMillis(1));
        }
        leaseOne(q, "w").complete("ok");
        assertThat(h.result()).isCompletedWithValue("ok");
    }

    @Test
    @DisplayName("after the last attempt a task is dead-lettered with its failure history")
    void deadLetterAfterMaxAttempts() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.builder("tck", "p").maxAttempts(2).build());
        leaseOne(q, "w1").fail(new TckHandlerException("first"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(leaseOne(q, "w2").fail(new TckHandlerException("second")).state())
                .isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThatThrownBy(() -> h.result().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.taskId()).isEqualTo(h.id());
                    assertThat(e.attempts()).isEqualTo(2);
                    assertThat(e.state()).isEqualTo(TaskState.DEAD_LETTERED);
                    assertThat(e.getMessage()).endsWith(": all 2 attempts failed");
                });
        TaskDeadLetter dl = q.deadLetters().find(h.id()).orElseThrow();
        assertThat(dl.reason()).isEqualTo(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED);
        assertThat(dl.failures()).extracting(TaskFailure::message).containsExactly("first", "second");
        assertThat(dl.failures()).extracting(TaskFailure::workerId).containsExactly("w1", "w2");
        assertThat(dl.task().payload(String.class)).isEqualTo("p");
        assertThat(q.lease("w", 1, VISIBILITY)).isEmpty();
    }

    @Test
    @DisplayName("a non-retryable failure dead-letters the task at once")
    void nonRetryable() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.of("tck", "p"));
        assertThat(leaseOne(q, "w").fail(new TckNonRetryableException("final")).state())
                .isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(q.deadLetters().find(h.id()).orElseThrow().reason()).isEqualTo(TaskDeadLetter.Reason.NON_RETRYABLE);
    }

    @Test
    @DisplayName("dead letters are redriven one by one, by a filter, or all")
    void redrive() {
        TaskQueue q = queue();
        List<TaskHandle> handles = new ArrayList<>();
        for (String type : List.of("tck-a", "tck-b", "tck-b", "tck-c")) {
            handles.add(q.submit(TaskRequest.builder(type, "p").maxAttempts(1).build()));
        }
        for (int i = 0; i < 4; i++) {
            leaseOne(q, "w").fail(new TckHandlerException("no"));
        }
        TaskHandle again = q.deadLetters().redrive(handles.get(0).id());
        assertThat(again.id()).isEqualTo(handles.get(0).id());
        assertThat(again.state()).isEqualTo(TaskState.QUEUED);
        Lease lease = leaseOne(q, "w");
        assertThat(lease.task().attempt()).isEqualTo(1);
        lease.complete("fixed");
        assertThat(again.result()).isCompletedWithValue("fixed");

        assertThat(q.deadLetters().redrive(dl -> dl.task().type().equals("tck-b")))
                .isEqualTo(2);
        assertThat(q.deadLetters().list(10))
                .extracting(TaskDeadLetter::taskId)
                .containsExactly(handles.get(3).id());
        assertThat(q.deadLetters().redriveAll()).isEqualTo(1);
        assertThat(q.deadLetters().list(10)).isEmpty();
        assertThat(q.lease("w", 10, VISIBILITY)).hasSize(3);
        assertThatThrownBy(() -> q.deadLetters().redrive(handles.get(0).id()))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    @DisplayName("a lease that lapses on the last attempt dead-letters the task with a lease-expired failure")
    void lapseOnLastAttempt() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.builder("tck", "p").maxAttempts(1).build());
        leaseOne(q, "crashing");
        clock.advance(VISIBILITY);
        assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
        TaskFailure failure = q.deadLetters().find(h.id()).orElseThrow().lastFailure();
        assertThat(failure.exceptionType()).isEqualTo(TaskFailure.LEASE_EXPIRED);
        assertThat(failure.workerId()).isEqualTo("crashing");
        assertThat(q.size()).isZero();
    }

    @Test
    @DisplayName("a lapsed lease is recorded as lease-expired at its expiry, in the same words on every queue")
    void lapseWords() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.builder("tck", "p").maxAttempts(1).build());
        Instant expiry = leaseOne(q, "crashing").expiresAt();
        clock.advance(VISIBILITY);
        assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(q.deadLetters().find(h.id()).orElseThrow().lastFailure().message())
                .isEqualTo("lease expired at " + expiry + " without a heartbeat");
    }

    @Test
    @DisplayName("a retry that could not start before the task's deadline fails it, in the same words on every queue")
    void retryPastDeadline() {
        TaskQueue q = queue();
        Instant deadline = clock.now().plusMillis(500); // the first retry waits a second
        TaskHandle h =
                q.submit(TaskRequest.builder("tck", "p").deadline(deadline).build());
        Lease.FailureOutcome outcome = leaseOne(q, "w").fail(new TckHandlerException("boom"));
        assertThat(outcome.state()).isEqualTo(TaskState.FAILED);
        assertThat(outcome.retryAt()).isNull();
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThatThrownBy(() -> h.result().join())
                .cause()
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.getMessage())
                        .endsWith(": the next attempt would start after its deadline " + deadline));
        assertThat(q.deadLetters().find(h.id())).isEmpty();
    }

    @Test
    @DisplayName("a task whose deadline passes while queued ends FAILED and is not leased")
    void deadline() {
        TaskQueue q = queue();
        Instant deadline = clock.now().plusSeconds(10);
        TaskHandle h =
                q.submit(TaskRequest.builder("tck", "p").deadline(deadline).build());
        TaskHandle other = q.submit(TaskRequest.of("tck", "q"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThatThrownBy(() -> h.result().join()).cause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.state()).isEqualTo(TaskState.FAILED);
            assertThat(e.getMessage()).endsWith(": its deadline " + deadline + " passed");
        });
        assertThat(leaseOne(q, "w").task().id()).isEqualTo(other.id());
        assertThat(q.deadLetters().find(h.id())).isEmpty();
    }

    @Test
    @DisplayName("a cancelled task is not leased and its lease is lost")
    void cancel() {
        TaskQueue q = queue();
        TaskHandle leased = q.submit(TaskRequest.of("tck", "l"));
        Lease lease = leaseOne(q, "w");
        TaskHandle queued = q.submit(TaskRequest.of("tck", "q"));
        assertThat(queued.cancel()).isTrue();
        assertThat(q.cancel(leased.id())).isTrue();
        assertThat(leased.cancel()).isFalse();
        assertThat(leased.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(queued.result()).isCancelled();
        assertThatThrownBy(() -> lease.complete(null)).isInstanceOf(LeaseLostException.class);
        assertThat(q.lease("w", 10, VISIBILITY)).isEmpty();
    }

    @Test
    @DisplayName("submitAsync completes with the accepted task's handle; on a closed queue it fails the future")
    void submitAsync() {
        TaskQueue q = queue();
        List<CompletableFuture<TaskHandle>> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(q.submitAsync(TaskRequest.of("tck", "a" + i)));
        }
        List<TaskHandle> handles = new ArrayList<>();
        for (CompletableFuture<TaskHandle> f : submitted) {
            assertThat(f).succeedsWithin(Duration.ofSeconds(30));
            handles.add(f.join());
        }
        List<String> ids = handles.stream().map(TaskHandle::id).toList();
        assertThat(ids).doesNotHaveDuplicates();
        for (String id : ids) {
            assertThat(q.state(id)).contains(TaskState.QUEUED);
        }
        List<Lease> leases = q.lease("w", 10, VISIBILITY);
        assertThat(leases).extracting(l -> l.task().id()).containsExactlyInAnyOrderElementsOf(ids);
        leases.forEach(l -> l.complete("done-" + l.task().payload(String.class)));
        for (int i = 0; i < handles.size(); i++) {
            assertThat(handles.get(i).result()).isCompletedWithValue("done-a" + i);
        }
        assertThatThrownBy(() -> q.submitAsync(null)).isInstanceOf(NullPointerException.class);
        q.close();
        CompletableFuture<TaskHandle> late = q.submitAsync(TaskRequest.of("tck", "late"));
        assertThat(late)
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TaskQueueClosedException.class);
    }

    @Test
    @DisplayName("completeAsync completes once the task succeeded, its handle first; the lease ends at once")
    void completeAsync() {
        TaskQueue q = queue();
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handles.add(q.submit(TaskRequest.of("tck", "c" + i)));
        }
        List<Lease> leases = q.lease("w", 3, VISIBILITY);
        assertThat(leases).hasSize(3);
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (Lease l : leases) {
            ended.add(l.completeAsync("done-" + l.task().payload(String.class)));
        }
        for (Lease l : leases) {
            assertThatThrownBy(() -> l.heartbeat(VISIBILITY)).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> l.complete("twice")).isInstanceOf(LeaseLostException.class);
            assertThat(l.completeAsync("twice"))
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(LeaseLostException.class);
            assertThat(l.failAsync(new TckHandlerException("twice")))
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(LeaseLostException.class);
        }
        for (int i = 0; i < ended.size(); i++) {
            assertThat(ended.get(i)).succeedsWithin(Duration.ofSeconds(30));
            String id = leases.get(i).task().id();
            TaskHandle h =
                    handles.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            assertThat(h.result())
                    .isCompletedWithValue("done-" + leases.get(i).task().payload(String.class));
            assertThat(q.state(id)).contains(TaskState.SUCCEEDED);
        }
        assertThat(q.lease("w", 10, VISIBILITY)).isEmpty();
    }

    @Test
    @DisplayName("failAsync completes with the retry policy's outcome once it is recorded; the lease ends at once")
    void failAsync() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.builder("tck", "p").maxAttempts(2).build());
        Lease first = leaseOne(q, "w");
        CompletableFuture<Lease.FailureOutcome> retried = first.failAsync(new TckHandlerException("first"));
        assertThatThrownBy(() -> first.fail(new TckHandlerException("twice"))).isInstanceOf(LeaseLostException.class);
        assertThat(retried).succeedsWithin(Duration.ofSeconds(30));
        assertThat(retried.join().state()).isEqualTo(TaskState.QUEUED);
        assertThat(retried.join().retryAt()).isEqualTo(clock.now().plusSeconds(1));
        assertThat(h.state()).isEqualTo(TaskState.QUEUED);
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<Lease.FailureOutcome> last = leaseOne(q, "w").failAsync(new TckHandlerException("last"));
        assertThat(last).succeedsWithin(Duration.ofSeconds(30));
        assertThat(last.join().state()).isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(h.result()).isCompletedExceptionally();
        assertThat(q.deadLetters().find(h.id())).isPresent();
        assertThat(q.lease("w", 1, VISIBILITY)).isEmpty();
        assertThatThrownBy(() -> first.failAsync(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("completeAsync and failAsync on a lapsed lease fail their future with LeaseLostException")
    void asyncOnLapsedLease() {
        TaskQueue q = queue();
        TaskHandle h = q.submit(TaskRequest.of("tck", "p"));
        Lease lapsed = leaseOne(q, "w1");
        clock.advance(VISIBILITY);
        assertThat(lapsed.completeAsync("late"))
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(LeaseLostException.class);
        assertThat(lapsed.failAsync(new TckHandlerException("late")))
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(LeaseLostException.class);
        Lease again = leaseOne(q, "w2");
        assertThat(again.task().id()).isEqualTo(h.id());
        assertThat(again.completeAsync("on time")).succeedsWithin(Duration.ofSeconds(30));
        assertThat(h.result()).isCompletedWithValue("on time");
    }

    @Test
    @DisplayName("the backlog's depth is the size, and a known age is the oldest ready task's wait")
    void backlog() {
        TaskQueue q = queue();
        assertThat(q.backlog().depth()).isZero();
        q.submit(TaskRequest.of("tck", "first"));
        clock.advance(Duration.ofSeconds(5));
        q.submit(TaskRequest.of("tck", "second"));
        clock.advance(Duration.ofSeconds(2));
        TaskBacklog waiting = q.backlog();
        assertThat(waiting.depth()).isEqualTo(q.size()).isEqualTo(2);
        // The age is optional: a backend that cannot observe it reports null, never a wrong value.
        waiting.oldestReadyAgeIfKnown().ifPresent(age -> assertThat(age).isEqualTo(Duration.ofSeconds(7)));
        Lease first = leaseOne(q, "w");
        TaskBacklog oneLeased = q.backlog();
        assertThat(oneLeased.depth()).as("a leased task is still unfinished").isEqualTo(2);
        oneLeased.oldestReadyAgeIfKnown().ifPresent(age -> assertThat(age).isEqualTo(Duration.ofSeconds(2)));
        first.complete(null);
        Lease second = leaseOne(q, "w");
        TaskBacklog noneWaiting = q.backlog();
        assertThat(noneWaiting.depth()).isEqualTo(1);
        noneWaiting.oldestReadyAgeIfKnown().ifPresent(age -> assertThat(age).isZero());
        second.complete(null);
        assertThat(q.backlog().depth()).isZero();
    }

    // ---- capability-gated ----

    /** Priorities: strict order among tasks ready at once. */
    @TestFactory
    @DisplayName("ready tasks are leased most urgent first")
    Stream<DynamicTest> priorities() {
        return onlyIf(PRIORITIES, () -> {
            TaskQueue q = queue();
            for (TaskPriority p : List.of(
                    TaskPriority.NORMAL,
                    TaskPriority.LOWEST,
                    TaskPriority.HIGH,
                    TaskPriority.HIGHEST,
                    TaskPriority.LOW)) {
                q.submit(TaskRequest.builder("tck", p.name()).priority(p).build());
            }
            assertThat(q.lease("w", 5, VISIBILITY))
                    .extracting(l -> l.task().payload(String.class))
                    .containsExactly("HIGHEST", "HIGH", "NORMAL", "LOW", "LOWEST");
        });
    }

    /** Aging: a LOWEST task is leased after four aging intervals however many urgent tasks arrive. */
    @TestFactory
    @DisplayName("a low-priority task is not starved by a sustained stream of urgent tasks")
    Stream<DynamicTest> noStarvation() {
        return onlyIf(PRIORITIES, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder()
                    .agingInterval(Duration.ofSeconds(5))
                    .build());
            TaskHandle low = q.submit(TaskRequest.builder("tck", "low")
                    .priority(TaskPriority.LOWEST)
                    .build());
            int second = 0;
            while (true) {
                second++;
                assertThat(second)
                        .as("seconds until the low-priority task was leased")
                        .isLessThanOrEqualTo(20);
                clock.advance(Duration.ofSeconds(1));
                q.submit(TaskRequest.builder("tck", "urgent")
                        .priority(TaskPriority.HIGHEST)
                        .build());
                q.submit(TaskRequest.builder("tck", "urgent")
                        .priority(TaskPriority.HIGHEST)
                        .build());
                List<Lease> leases = q.lease("w", 2, VISIBILITY);
                leases.forEach(l -> l.complete(null));
                if (leases.stream().anyMatch(l -> l.task().id().equals(low.id()))) {
                    break;
                }
            }
            assertThat(second).isEqualTo(20);
        });
    }

    /** Delayed tasks. */
    @TestFactory
    @DisplayName("a delayed task is leased at its not-before time, not earlier")
    Stream<DynamicTest> delayedTasks() {
        return onlyIf(DELAYED_TASKS, () -> {
            TaskQueue q = queue();
            TaskHandle h = q.submit(TaskRequest.builder("tck", "p")
                    .notBefore(clock.now().plus(Duration.ofMinutes(2)))
                    .build());
            assertThat(q.lease("w", 1, VISIBILITY)).isEmpty();
            clock.advance(Duration.ofMinutes(2).minusMillis(1));
            assertThat(q.lease("w", 1, VISIBILITY)).isEmpty();
            assertThat(h.state()).isEqualTo(TaskState.QUEUED);
            clock.advance(Duration.ofMillis(1));
            assertThat(leaseOne(q, "w").task().id()).isEqualTo(h.id());
        });
    }

    /** Idempotency keys. */
    @TestFactory
    @DisplayName("a second submission with the same idempotency key inside the window returns the first task")
    Stream<DynamicTest> idempotency() {
        return onlyIf(IDEMPOTENCY, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder()
                    .idempotencyWindow(Duration.ofMinutes(1))
                    .build());
            TaskHandle first =
                    q.submit(TaskRequest.builder("tck", "1").idempotencyKey("k").build());
            clock.advance(Duration.ofSeconds(59));
            TaskHandle second =
                    q.submit(TaskRequest.builder("tck", "2").idempotencyKey("k").build());
            assertThat(second.id()).isEqualTo(first.id());
            leaseOne(q, "w").complete("once");
            assertThat(second.result()).isCompletedWithValue("once");
            assertThat(q.lease("w", 1, VISIBILITY)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            assertThat(q.submit(TaskRequest.builder("tck", "3")
                                    .idempotencyKey("k")
                                    .build())
                            .id())
                    .isNotEqualTo(first.id());
        });
    }

    /** Per-key mutex. */
    @TestFactory
    @DisplayName("tasks with one key are leased to at most one worker at a time")
    Stream<DynamicTest> perKeyMutex() {
        return onlyIf(PER_KEY_MUTEX, () -> {
            TaskQueue q = queue();
            TaskHandle a1 = q.submit(TaskRequest.builder("tck", "a1").key("a").build());
            TaskHandle a2 = q.submit(TaskRequest.builder("tck", "a2").key("a").build());
            TaskHandle b1 = q.submit(TaskRequest.builder("tck", "b1").key("b").build());
            List<Lease> first = q.lease("w1", 10, VISIBILITY);
            assertThat(first).extracting(l -> l.task().id()).containsExactlyInAnyOrder(a1.id(), b1.id());
            assertThat(q.lease("w2", 10, VISIBILITY)).isEmpty();
            first.forEach(l -> l.complete(null));
            assertThat(leaseOne(q, "w2").task().id()).isEqualTo(a2.id());
        });
    }

    /** Key concurrency above one. */
    @TestFactory
    @DisplayName("a key concurrency of 2 leases at most two tasks of one key at once, per type override included")
    Stream<DynamicTest> keyConcurrency() {
        return onlyIf(KEY_CONCURRENCY, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder()
                    .retryPolicy(EXACT)
                    .keyConcurrency(2)
                    .keyConcurrency("tck-serial", 1)
                    .build());
            List<TaskHandle> a = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                a.add(q.submit(TaskRequest.builder("tck", "a" + i).key("a").build()));
            }
            TaskHandle s1 =
                    q.submit(TaskRequest.builder("tck-serial", "s1").key("s").build());
            TaskHandle s2 =
                    q.submit(TaskRequest.builder("tck-serial", "s2").key("s").build());

            List<Lease> first = q.lease("w1", 10, VISIBILITY);
            assertThat(first)
                    .extracting(l -> l.task().id())
                    .containsExactlyInAnyOrder(a.get(0).id(), a.get(1).id(), s1.id());
            assertThat(q.lease("w2", 10, VISIBILITY)).isEmpty();

            first.get(0).complete(null); // frees one place of key "a" (or of "s")
            List<Lease> second = q.lease("w2", 10, VISIBILITY);
            assertThat(second).hasSize(1);
            String freed = first.get(0).task().request().key();
            assertThat(second.get(0).task().request().key()).isEqualTo(freed);
            assertThat(second.get(0).task().id()).isIn(a.get(2).id(), s2.id());
        });
    }

    /** Per-type rate limits. */
    @TestFactory
    @DisplayName("a rate-limited type is leased at most its permits per period; other types are not held back")
    Stream<DynamicTest> rateLimits() {
        return onlyIf(RATE_LIMITS, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder()
                    .retryPolicy(EXACT)
                    .rateLimit("tck-limited", TaskRateLimit.of(2, Duration.ofSeconds(1)))
                    .build());
            for (int i = 0; i < 6; i++) {
                q.submit(TaskRequest.of("tck-limited", i));
            }
            q.submit(TaskRequest.of("tck", "free"));

            List<Lease> first = q.lease("w", 10, VISIBILITY);
            assertThat(first)
                    .extracting(l -> l.task().type())
                    .containsExactlyInAnyOrder("tck-limited", "tck-limited", "tck");
            first.forEach(l -> l.complete(null));
            assertThat(q.lease("w", 10, VISIBILITY))
                    .as("no permit left in this second")
                    .isEmpty();

            clock.advance(Duration.ofMillis(500)); // one permit back every 500 ms
            assertThat(q.lease("w", 10, VISIBILITY)).hasSize(1).allSatisfy(l -> l.complete(null));
            clock.advance(Duration.ofMillis(499));
            assertThat(q.lease("w", 10, VISIBILITY)).isEmpty();
            clock.advance(Duration.ofSeconds(10)); // a long quiet spell refills only up to the burst of 2
            assertThat(q.lease("w", 10, VISIBILITY)).hasSize(2);
            assertThat(q.size())
                    .as("over the limit, tasks wait queued: none failed")
                    .isEqualTo(3);
        });
    }

    @Test
    @DisplayName("the queue declares the capabilities of its provider")
    void declaresItsProvidersCapabilities() {
        assertThat(queue().capabilities()).isEqualTo(capabilities());
        assertThat(queueFromProvider(TaskQueueOptions.defaults()).capabilities())
                .isEqualTo(provider().capabilities());
    }

    // ---- options handed over by the platform ----

    @Test
    @DisplayName(
            "a queue the provider creates from configuration runs tasks: records round-trip, time is the platform's")
    void providerQueueRunsTasks() {
        TaskQueue q = queueFromProvider(TaskQueueOptions.defaults());
        TaskHandle h = q.submit(TaskRequest.builder("tck", new TckPayload("x", 3))
                .notBefore(clock.now().plusSeconds(5))
                .build());
        assertThat(q.lease("w", 1, VISIBILITY)).as("before its not-before time").isEmpty();
        clock.advance(Duration.ofSeconds(5));
        Lease lease = leaseOne(q, "w");
        assertThat(lease.task().payload(TckPayload.class)).isEqualTo(new TckPayload("x", 3));
        lease.complete(new TckPayload("y", 4));
        assertThat(h.result()).isCompletedWithValue(new TckPayload("y", 4));
        assertThat(q.state(h.id())).contains(TaskState.SUCCEEDED);
    }

    @Test
    @DisplayName("the platform's task queue options reach a queue the provider creates: per-type retry policies apply")
    void providerAppliesPlatformOptions() {
        TaskQueue q = queueFromProvider(TaskQueueOptions.builder()
                .retryPolicy(EXACT)
                .retryPolicy("tck-once", RetryPolicy.builder().maxAttempts(1).build())
                .build());
        TaskHandle once = q.submit(TaskRequest.of("tck-once", "p"));
        assertThat(leaseOne(q, "w").fail(new TckHandlerException("no")).state())
                .as("tck-once allows one attempt: its policy came from the options")
                .isEqualTo(TaskState.DEAD_LETTERED);
        assertThat(q.deadLetters().find(once.id()).orElseThrow().reason())
                .isEqualTo(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED);

        TaskHandle other = q.submit(TaskRequest.of("tck", "p"));
        Lease.FailureOutcome outcome = leaseOne(q, "w").fail(new TckHandlerException("no"));
        assertThat(outcome.state()).isEqualTo(TaskState.QUEUED);
        assertThat(outcome.retryAt())
                .as("other types follow the options' default policy (first retry after 1 s, no jitter)")
                .isEqualTo(clock.now().plus(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(1));
        leaseOne(q, "w").complete("ok");
        assertThat(other.result()).isCompletedWithValue("ok");
    }

    /** Rate limits refused by a backend that cannot enforce them. */
    @TestFactory
    @DisplayName("rate limits are refused with UnsupportedCapabilityException(RATE_LIMITS) without RATE_LIMITS")
    Stream<DynamicTest> rateLimitsRefused() {
        return onlyWithout(RATE_LIMITS, () -> assertThatThrownBy(() -> queueFromProvider(TaskQueueOptions.builder()
                        .rateLimit("tck-limited", TaskRateLimit.of(2, Duration.ofSeconds(1)))
                        .build()))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                    assertThat(e.capability()).isEqualTo(RATE_LIMITS);
                    assertThat(e.getMessage())
                            .contains("rateLimits", "tck-limited", provider().name());
                }));
    }

    /** Key concurrency refused by a backend that only has the mutex. */
    @TestFactory
    @DisplayName("a key concurrency above 1 is refused with UnsupportedCapabilityException(KEY_CONCURRENCY) without it")
    Stream<DynamicTest> keyConcurrencyRefused() {
        return onlyWithout(KEY_CONCURRENCY, () -> {
            assertThatThrownBy(() -> queueFromProvider(
                            TaskQueueOptions.builder().keyConcurrency(2).build()))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability())
                            .isEqualTo(KEY_CONCURRENCY));
            assertThatThrownBy(() -> queueFromProvider(TaskQueueOptions.builder()
                            .keyConcurrency("tck-pair", 2)
                            .build()))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.getMessage())
                            .contains("tck-pair"));
        });
    }

    /** Bound. */
    @TestFactory
    @DisplayName("a full queue rejects submissions with QueueFullException until a task finishes")
    Stream<DynamicTest> bounded() {
        return onlyIf(BOUNDED, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder().capacity(3).build());
            for (int i = 0; i < 3; i++) {
                q.submit(TaskRequest.of("tck", i));
            }
            assertThatThrownBy(() -> q.submit(TaskRequest.of("tck", 3)))
                    .isInstanceOfSatisfying(QueueFullException.class, e -> assertThat(e.capacity())
                            .isEqualTo(3));
            assertThat(q.size()).isEqualTo(3);
            leaseOne(q, "w").complete(null);
            assertThat(q.submit(TaskRequest.of("tck", 3)).state()).isEqualTo(TaskState.QUEUED);
        });
    }

    @TestFactory
    @DisplayName("submitAsync beyond the capacity fails its future with QueueFullException")
    Stream<DynamicTest> boundedAsync() {
        return onlyIf(BOUNDED, () -> {
            TaskQueue q = queue(TaskQueueOptions.builder().capacity(2).build());
            CompletableFuture<TaskHandle> first = q.submitAsync(TaskRequest.of("tck", 0));
            CompletableFuture<TaskHandle> second = q.submitAsync(TaskRequest.of("tck", 1));
            CompletableFuture<TaskHandle> third = q.submitAsync(TaskRequest.of("tck", 2));
            assertThat(first).succeedsWithin(Duration.ofSeconds(30));
            assertThat(second).succeedsWithin(Duration.ofSeconds(30));
            assertThat(third)
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(QueueFullException.class);
            assertThat(q.size()).isEqualTo(2);
        });
    }

    // ---- randomized ----

    /** Seeds of the randomized scenarios; override to pin more or other seeds. */
    protected LongStream scenarioSeeds() {
        return LongStream.rangeClosed(1, 8);
    }

    /** Many workers, random successes, failures and crashes: every task ends once, none is lost. */
    @TestFactory
    @DisplayName("randomized: every task ends exactly once in a terminal state, none is lost")
    Stream<DynamicTest> randomScenarios() {
        return scenarioSeeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> randomScenario(seed)));
    }

    private void randomScenario(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TaskQueue q = queue(TaskQueueOptions.builder().retryPolicy(EXACT).build());
        int taskCount = 50 + random.nextInt(150);
        int workers = 1 + random.nextInt(8);
        Map<String, TaskHandle> handles = new HashMap<>();
        Map<String, AtomicInteger> completions = new HashMap<>();
        Map<String, AtomicInteger> acknowledged = new HashMap<>();
        List<Lease> held = new ArrayList<>();
        int submitted = 0;
        for (int step = 0; step < 100_000; step++) {
            if (submitted < taskCount && random.nextInt(3) == 0) {
                TaskHandle h = q.submit(TaskRequest.builder("tck", submitted++)
                        .priority(TaskPriority.values()[random.nextInt(5)])
                        .key(random.nextInt(4) == 0 ? "key-" + random.nextInt(3) : null)
                        .build());
                handles.put(h.id(), h);
                AtomicInteger c = completions.computeIfAbsent(h.id(), id -> new AtomicInteger());
                h.result().whenComplete((r, t) -> c.incrementAndGet());
            }
            String worker = "w" + random.nextInt(workers);
            held.addAll(q.lease(worker, 1 + random.nextInt(3), VISIBILITY));
            for (Lease lease : new ArrayList<>(held)) {
                int roll = random.nextInt(10);
                try {
                    if (roll < 5) {
                        lease.complete(lease.task().id());
                        acknowledged
                                .computeIfAbsent(lease.task().id(), id -> new AtomicInteger())
                                .incrementAndGet();
                        held.remove(lease);
                    } else if (roll < 7) {
                        lease.fail(new TckHandlerException("random failure"));
                        held.remove(lease);
                    } else if (roll < 8) {
                        held.remove(lease); // the worker crashed: the lease will lapse
                    }
                } catch (LeaseLostException e) {
                    held.remove(lease);
                }
            }
            clock.advance(Duration.ofMillis(random.nextInt(5_000)));
            if (submitted == taskCount && q.size() == 0) {
                break;
            }
        }
        String context = "seed " + seed + ", " + taskCount + " tasks, " + workers + " workers";
        assertThat(q.size()).as(context).isZero();
        assertThat(handles).as(context).hasSize(taskCount);
        for (TaskHandle h : handles.values()) {
            TaskState state = h.state();
            assertThat(state.isTerminal()).as(context + ": " + h).isTrue();
            assertThat(completions.get(h.id()))
                    .as(context + ": completions of " + h)
                    .hasValue(1);
            int acks = acknowledged.getOrDefault(h.id(), new AtomicInteger()).get();
            if (state == TaskState.SUCCEEDED) {
                assertThat(acks).as(context + ": acknowledgements of " + h).isEqualTo(1);
                assertThat(h.result()).isCompletedWithValue(h.id());
            } else {
                assertThat(state).as(context).isEqualTo(TaskState.DEAD_LETTERED);
                assertThat(acks).as(context).isZero();
                assertThat(q.deadLetters().find(h.id())).as(context).isPresent();
            }
        }
    }
}
