package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's own pool on real threads, where returning handlers leave their slots to the inbox of finished
 * attempts: every slot is freed, a drain started while handlers finish ends, and termination is seen.
 */
class OrchestratorThreadsTest {

    private static final int TASKS = 20_000;

    @Test
    void slotsAreFreedAndADrainEndsWhileHandlersFinishOnManyThreads() throws Exception {
        InMemoryTaskQueue queue = new InMemoryTaskQueue(
                TaskQueueOptions.builder().capacity(TASKS).build(), TaskClock.system(), () -> 0.5);
        AtomicInteger ranOnW1 = new AtomicInteger();
        AtomicInteger ranOnW2 = new AtomicInteger();
        try (Orchestrator o = Orchestrator.builder(queue)
                .threads(4)
                .pollInterval(Duration.ofMillis(1))
                .build()) {
            o.register(WorkerSpec.of("w1", 8), task -> ranOnW1.incrementAndGet());
            Orchestrator.Registration w2 = o.register(WorkerSpec.of("w2", 8), task -> ranOnW2.incrementAndGet());
            o.start();
            List<TaskHandle> handles = new ArrayList<>(TASKS);
            CompletableFuture<Integer> drained = null;
            for (int i = 0; i < TASKS; i++) {
                handles.add(queue.submit(TaskRequest.of("noop", i)));
                if (i == TASKS / 2) {
                    drained = w2.drain(Duration.ofSeconds(60));
                }
            }
            for (TaskHandle h : handles) {
                assertThat(h.result()).succeedsWithin(Duration.ofSeconds(60));
            }

            assertThat(drained)
                    .as("w2's handlers all returned within its drain timeout")
                    .succeedsWithin(Duration.ofSeconds(60))
                    .isEqualTo(0);
            assertThat(w2.draining()).isFalse();
            assertThat(o.awaitTermination(Duration.ofSeconds(60)))
                    .as("every returned handler's slot is freed")
                    .isTrue();
            assertThat(o.workers()).extracting(WorkerView::id).containsExactly("w1");
            assertThat(o.workers()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
            assertThat(ranOnW1.get() + ranOnW2.get()).isEqualTo(TASKS);
            assertThat(queue.size()).isZero();
        } finally {
            queue.close();
        }
    }
}
