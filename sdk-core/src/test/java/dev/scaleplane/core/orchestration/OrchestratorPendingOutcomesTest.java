package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator over a queue that records outcomes after {@code completeAsync} / {@code failAsync} returned (as the
 * Kafka queue does): the slot is freed when the handler returns, the outcome is counted and reported when the queue
 * records it, the outcomes awaiting the queue are bounded, and drain and termination wait for them.
 */
class OrchestratorPendingOutcomesTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final ManualExecutor manual = new ManualExecutor();
    private final AckLaterQueue queue =
            new AckLaterQueue(new InMemoryTaskQueue(TaskQueueOptions.builder().build(), clock, () -> 0.5));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingStrategy strategy = new RecordingStrategy(DispatchStrategies.leastConnections());

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private Orchestrator.Builder orchestrator() {
        return Orchestrator.builder(queue)
                .clock(clock)
                .executor(manual)
                .strategy(strategy)
                .meterRegistry(registry)
                .visibilityTimeout(VISIBILITY)
                .heartbeatInterval(HEARTBEAT);
    }

    private double counter(String name) {
        return registry.find(name).functionCounter().count();
    }

    private static int inFlight(Orchestrator o, String worker) {
        return o.workers().stream()
                .filter(w -> w.id().equals(worker))
                .findFirst()
                .orElseThrow()
                .inFlight();
    }

    @Test
    void theSlotIsFreedWhenTheHandlerReturnsAndTheOutcomeReportedWhenRecorded() {
        try (Orchestrator o = orchestrator().build()) {
            o.register(WorkerSpec.of("w1", 1), task -> "ok-" + task.payload(String.class));
            TaskHandle first = queue.submit(TaskRequest.of("deploy", "a"));
            TaskHandle second = queue.submit(TaskRequest.of("deploy", "b"));

            assertThat(o.dispatchOnce()).isEqualTo(1);
            manual.runAll();
            assertThat(queue.pendingAcks()).isEqualTo(1);
            assertThat(first.state()).isEqualTo(TaskState.LEASED); // not recorded yet
            assertThat(inFlight(o, "w1")).isZero();
            assertThat(strategy.events()).containsExactly("dispatched:w1");
            assertThat(counter(OrchestratorMetrics.SUCCEEDED)).isZero();

            // The freed slot takes the next task while the first outcome still awaits the queue.
            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(second.state()).isEqualTo(TaskState.LEASED);

            queue.ackNext();
            assertThat(first.result().join()).isEqualTo("ok-a");
            assertThat(strategy.events()).containsExactly("dispatched:w1", "dispatched:w1", "success:w1");
            assertThat(counter(OrchestratorMetrics.SUCCEEDED)).isEqualTo(1);

            manual.runAll();
            queue.ackNext();
            assertThat(second.result().join()).isEqualTo("ok-b");
        }
    }

    @Test
    void aLeaseLostBeforeTheQueueRecordedTheOutcomeCountsAsLost() {
        try (Orchestrator o = orchestrator().build()) {
            o.register(WorkerSpec.of("w1", 1), task -> {
                throw new IllegalStateException("boom");
            });
            TaskHandle h = queue.submit(TaskRequest.of("deploy", "a"));
            o.dispatchOnce();
            manual.runAll();
            assertThat(queue.pendingAcks()).isEqualTo(1);
            clock.advance(VISIBILITY); // the lease lapses before the queue takes the failure

            queue.ackNext();

            assertThat(counter(OrchestratorMetrics.LEASE_LOST)).isEqualTo(1);
            assertThat(counter(OrchestratorMetrics.FAILED)).isZero();
            assertThat(strategy.events()).containsExactly("dispatched:w1", "failure:w1:LeaseLostException");
            assertThat(h.state()).isEqualTo(TaskState.QUEUED); // the lapse was recorded as a failed attempt
        }
    }

    @Test
    void atTheBoundAReturningHandlersThreadWaitsUntilTheQueueRecordsAnOutcome() throws Exception {
        try (Orchestrator o = orchestrator().maxPendingOutcomes(1).build()) {
            o.register(WorkerSpec.of("w1", 2), task -> "ok");
            TaskHandle first = queue.submit(TaskRequest.of("deploy", "a"));
            TaskHandle second = queue.submit(TaskRequest.of("deploy", "b"));
            assertThat(o.dispatchOnce()).isEqualTo(2);
            assertThat(manual.runNext()).isTrue();
            assertThat(queue.handedOver()).isEqualTo(1);

            Thread handler = new Thread(manual::runNext, "second-handler");
            handler.start();
            while (handler.getState() != Thread.State.WAITING && handler.isAlive()) {
                Thread.onSpinWait(); // until it waits for room: its handler has returned
            }
            assertThat(handler.isAlive()).isTrue();
            assertThat(queue.handedOver())
                    .as("handed over while one is pending")
                    .isEqualTo(1);

            queue.ackNext();
            handler.join();
            assertThat(queue.handedOver()).isEqualTo(2);
            queue.ackNext();
            assertThat(first.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(second.state()).isEqualTo(TaskState.SUCCEEDED);
        }
    }

    @Test
    void aDrainCompletesOnceTheOutcomesOfItsTasksAreRecorded() {
        try (Orchestrator o = orchestrator().build()) {
            Orchestrator.Registration w1 = o.register(WorkerSpec.of("w1", 1), task -> "ok");
            queue.submit(TaskRequest.of("deploy", "a"));
            o.dispatchOnce();
            CompletableFuture<Integer> drained = w1.drain(Duration.ofSeconds(60));

            manual.runAll();
            assertThat(queue.pendingAcks()).isEqualTo(1);
            assertThat(drained).isNotDone();
            assertThat(w1.draining()).isTrue();

            queue.ackNext();
            assertThat(drained).isCompletedWithValue(0);
            assertThat(w1.draining()).isFalse();
        }
    }

    @Test
    void aDrainStartedWhileAnOutcomeIsPendingWaitsForIt() {
        try (Orchestrator o = orchestrator().build()) {
            Orchestrator.Registration w1 = o.register(WorkerSpec.of("w1", 1), task -> "ok");
            queue.submit(TaskRequest.of("deploy", "a"));
            o.dispatchOnce();
            manual.runAll();

            CompletableFuture<Integer> drained = w1.drain(Duration.ofSeconds(60));
            assertThat(drained).isNotDone();

            queue.ackNext();
            assertThat(drained).isCompletedWithValue(0);
        }
    }

    @Test
    void terminationWaitsForPendingOutcomes() throws InterruptedException {
        try (Orchestrator o = orchestrator().build()) {
            o.register(WorkerSpec.of("w1", 1), task -> "ok");
            TaskHandle h = queue.submit(TaskRequest.of("deploy", "a"));
            o.dispatchOnce();
            manual.runAll();
            o.shutdown();

            assertThat(o.awaitTermination(Duration.ZERO)).isFalse();
            queue.ackNext();
            assertThat(o.awaitTermination(Duration.ZERO)).isTrue();
            assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        }
    }

    /**
     * Delegates to an in-memory queue, except that its leases' {@code completeAsync} and {@code failAsync} only record
     * the outcome: the test {@linkplain #ackNext() acknowledges} each later, which ends the in-memory lease then.
     */
    private static final class AckLaterQueue implements TaskQueue {
        private final InMemoryTaskQueue delegate;
        private final ArrayDeque<Runnable> acks = new ArrayDeque<>();
        private int handedOver;

        AckLaterQueue(InMemoryTaskQueue delegate) {
            this.delegate = delegate;
        }

        synchronized int pendingAcks() {
            return acks.size();
        }

        synchronized int handedOver() {
            return handedOver;
        }

        /** Records the oldest outcome handed over, on the caller's thread. */
        void ackNext() {
            Runnable ack;
            synchronized (this) {
                ack = acks.removeFirst();
            }
            ack.run();
        }

        private synchronized <T> CompletableFuture<T> later(CompletableFuture<T> f, Runnable ack) {
            handedOver++;
            acks.addLast(ack);
            return f;
        }

        @Override
        public Set<TaskQueueCapability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public TaskHandle submit(TaskRequest request) {
            return delegate.submit(request);
        }

        @Override
        public List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
            return delegate.lease(workerId, maxTasks, visibilityTimeout, types).stream()
                    .map(l -> (Lease) new AckLaterLease(l))
                    .toList();
        }

        @Override
        public Optional<TaskState> state(String taskId) {
            return delegate.state(taskId);
        }

        @Override
        public Optional<TaskHandle> handle(String taskId) {
            return delegate.handle(taskId);
        }

        @Override
        public boolean cancel(String taskId) {
            return delegate.cancel(taskId);
        }

        @Override
        public TaskDeadLetters deadLetters() {
            return delegate.deadLetters();
        }

        @Override
        public int size() {
            return delegate.size();
        }

        @Override
        public TaskBacklog backlog() {
            return delegate.backlog();
        }

        @Override
        public void close() {
            delegate.close();
        }

        private final class AckLaterLease implements Lease {
            private final Lease lease;

            AckLaterLease(Lease lease) {
                this.lease = lease;
            }

            @Override
            public Task task() {
                return lease.task();
            }

            @Override
            public String workerId() {
                return lease.workerId();
            }

            @Override
            public Instant expiresAt() {
                return lease.expiresAt();
            }

            @Override
            public Instant heartbeat(Duration extension) {
                return lease.heartbeat(extension);
            }

            @Override
            public void complete(@Nullable Object result) {
                lease.complete(result);
            }

            @Override
            public FailureOutcome fail(Throwable failure) {
                return lease.fail(failure);
            }

            @Override
            public CompletableFuture<@Nullable Void> completeAsync(@Nullable Object result) {
                CompletableFuture<@Nullable Void> f = new CompletableFuture<>();
                return later(f, () -> settle(f, () -> lease.completeAsync(result)));
            }

            @Override
            public CompletableFuture<FailureOutcome> failAsync(Throwable failure) {
                CompletableFuture<FailureOutcome> f = new CompletableFuture<>();
                return later(f, () -> settle(f, () -> lease.failAsync(failure)));
            }

            private <T> void settle(CompletableFuture<T> f, Supplier<? extends CompletionStage<T>> end) {
                end.get().whenComplete((r, e) -> {
                    if (e == null) {
                        f.complete(r);
                    } else {
                        f.completeExceptionally(e);
                    }
                });
            }
        }
    }
}
