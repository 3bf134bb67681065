package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Orchestrator.Registration#drain(Duration)} on virtual time: finish in time, or hand back at the timeout. */
class DrainTest {
    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final InMemoryTaskQueue queue = new InMemoryTaskQueue(
            TaskQueueOptions.builder()
                    .retryPolicy(RetryPolicy.builder()
                            .fixed(Duration.ofSeconds(1))
                            .jitter(0)
                            .maxAttempts(3)
                            .build())
                    .build(),
            clock,
            () -> 0.5);
    /** How long each next handler takes: the executor runs it that much later on the clock. */
    private final ArrayDeque<Duration> durations = new ArrayDeque<>();

    private final Executor takesTime = r -> clock.schedule(durations.removeFirst(), r);
    private final Orchestrator orchestrator = Orchestrator.builder(queue)
            .clock(clock)
            .executor(takesTime)
            .visibilityTimeout(Duration.ofSeconds(30))
            .heartbeatInterval(Duration.ofSeconds(10))
            .build();
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void close() {
        orchestrator.shutdown();
        queue.close();
    }

    private Object handle(String worker, Task task) {
        String run = worker + ":" + task.payload(String.class) + "@" + task.attempt();
        ran.add(run);
        return run;
    }

    private Orchestrator.Registration worker(String id) {
        return orchestrator.register(WorkerSpec.of(id, 1), task -> handle(id, task));
    }

    @Test
    void aDrainingWorkerTakesNoNewTaskAndFinishesWhatItRuns() {
        Orchestrator.Registration w1 = worker("w1");
        TaskHandle a = queue.submit(TaskRequest.of("job", "a"));
        TaskHandle b = queue.submit(TaskRequest.of("job", "b"));
        durations.add(Duration.ofSeconds(100));
        assertThat(orchestrator.dispatchOnce()).isEqualTo(1);

        CompletableFuture<Integer> drained = w1.drain(Duration.ofSeconds(300));
        assertThat(w1.drain(Duration.ofSeconds(1))).as("idempotent").isSameAs(drained);
        assertThat(drained).isNotDone();
        assertThat(w1.draining()).isTrue();
        assertThat(orchestrator.workers()).isEmpty();
        assertThat(orchestrator.dispatchOnce())
                .as("b is not given to the draining worker")
                .isZero();
        assertThat(b.state()).isEqualTo(TaskState.QUEUED);

        clock.advance(Duration.ofSeconds(100));
        assertThat(a.result()).isCompletedWithValue("w1:a@1");
        assertThat(drained).isCompletedWithValue(0);
        assertThat(w1.draining()).isFalse();

        worker("w2");
        durations.add(Duration.ofSeconds(5));
        assertThat(orchestrator.dispatchOnce()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.result()).isCompletedWithValue("w2:b@1");
        assertThat(ran).containsExactly("w1:a@1", "w2:b@1");
    }

    @Test
    void anIdleWorkerDrainsAtOnce() {
        Orchestrator.Registration w1 = worker("w1");
        assertThat(w1.drain(Duration.ofSeconds(300))).isCompletedWithValue(0);
        assertThat(orchestrator.workers()).isEmpty();
        assertThatThrownBy(() -> w1.drain(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatStillRunsAtTheTimeoutIsHandedBackAndCompletesOnceElsewhere() {
        Orchestrator.Registration w1 = worker("w1");
        TaskHandle slow = queue.submit(TaskRequest.of("job", "slow"));
        durations.add(Duration.ofSeconds(1000));
        assertThat(orchestrator.dispatchOnce()).isEqualTo(1);
        CompletableFuture<Integer> drained = w1.drain(Duration.ofSeconds(300));

        // The lease is extended while the drain runs: the task is neither lost nor handed out twice before the timeout.
        clock.advance(Duration.ofSeconds(299));
        assertThat(drained).isNotDone();
        assertThat(slow.state()).isEqualTo(TaskState.LEASED);

        clock.advance(Duration.ofSeconds(1));
        assertThat(drained).isCompletedWithValue(1);
        assertThat(slow.state()).as("queued again for its retry").isEqualTo(TaskState.QUEUED);

        worker("w2");
        durations.add(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(1)); // the retry's backoff
        assertThat(orchestrator.dispatchOnce()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(slow.result()).isCompletedWithValue("w2:slow@2");

        // The drained worker's handler returns late: its result is discarded, the task's result stays.
        clock.advance(Duration.ofSeconds(1000));
        assertThat(ran).containsExactly("w2:slow@2", "w1:slow@1");
        assertThat(slow.result()).isCompletedWithValue("w2:slow@2");
        assertThat(queue.size()).isZero();
        assertThat(queue.deadLetters().list(10)).isEmpty();
    }
}
