package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator on a backend's task queue, end to end on real time: several workers and threads, keyed tasks,
 * failed first attempts retried, every result back and nothing left in the queue. One home for what every backend
 * module used to test in its own copy; a backend runs it by extending this class in its tests (it is in sdk-core's
 * test jar, {@code dev.scaleplane:scaleplane-core:tests}, because the orchestrator is sdk-core's and the task queue
 * kit in sdk-tck sees the API only).
 */
public abstract class OrchestratorOnQueueKit {
    private final List<TaskQueue> queues = new ArrayList<>();

    /**
     * A new, empty queue of the backend under test that honours {@code options}, on the system clock (the
     * orchestrator's polling and the retry delays run on real time here).
     */
    protected abstract TaskQueue createQueue(TaskQueueOptions options);

    /** How many tasks to run; brokers may want fewer. Default 40. */
    protected int tasks() {
        return 40;
    }

    /** Closes the queues the test created. */
    @AfterEach
    void closeQueues() {
        queues.forEach(TaskQueue::close);
        queues.clear();
    }

    @Test
    void theOrchestratorRunsKeyedTasksWithRetriesOnTheBackendsQueue() {
        TaskQueue q = createQueue(TaskQueueOptions.builder()
                .retryPolicy(RetryPolicy.builder()
                        .fixed(Duration.ofMillis(50))
                        .jitter(0)
                        .maxAttempts(3)
                        .build())
                .build());
        queues.add(q);
        Set<String> firstAttemptsFailed = ConcurrentHashMap.newKeySet();
        List<TaskHandle> handles = new ArrayList<>();
        try (Orchestrator orchestrator = Orchestrator.builder(q)
                .threads(4)
                .pollInterval(Duration.ofMillis(20))
                .visibilityTimeout(Duration.ofSeconds(30))
                .build()) {
            for (String worker : List.of("w1", "w2")) {
                orchestrator.register(WorkerSpec.of(worker, 2), task -> {
                    int n = task.payload(Integer.class);
                    if (n % 5 == 0 && firstAttemptsFailed.add(task.id())) {
                        throw new IllegalStateException("first attempt of " + n + " fails");
                    }
                    return n * 2;
                });
            }
            orchestrator.start();
            for (int i = 0; i < tasks(); i++) {
                handles.add(q.submit(TaskRequest.builder("job", i)
                        .key(i % 3 == 0 ? "k" + (i % 4) : null)
                        .build()));
            }
            for (int i = 0; i < handles.size(); i++) {
                assertThat(handles.get(i).result())
                        .succeedsWithin(Duration.ofSeconds(60))
                        .isEqualTo(i * 2);
            }
        }
        assertThat(firstAttemptsFailed).hasSize((tasks() + 4) / 5);
        assertThat(q.size()).isZero();
    }
}
