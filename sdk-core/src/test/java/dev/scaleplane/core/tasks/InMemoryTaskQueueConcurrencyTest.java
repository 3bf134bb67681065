package dev.scaleplane.core.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Real threads on the real clock: submitters and workers race on one queue. Leases are long enough never to lapse,
 * so every task must succeed exactly once, and no key may be held by two workers at once.
 */
class InMemoryTaskQueueConcurrencyTest {

    private static final int SUBMITTERS = 4;
    private static final int WORKERS = 4;
    private static final int TASKS_PER_SUBMITTER = 2_000;

    @Test
    void racingSubmittersAndWorkersFinishEveryTaskOnceAndRespectKeys() throws Exception {
        int total = SUBMITTERS * TASKS_PER_SUBMITTER;
        InMemoryTaskQueue queue = new InMemoryTaskQueue(
                TaskQueueOptions.builder().capacity(total).build(), TaskClock.system(), () -> 0.5);
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        Map<String, String> keyHolders = new ConcurrentHashMap<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<TaskHandle> handles = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS + WORKERS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                int submitter = s;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < TASKS_PER_SUBMITTER; i++) {
                        handles.add(queue.submit(TaskRequest.builder("t", submitter + "-" + i)
                                .key(i % 3 == 0 ? "key-" + (i % 7) : null)
                                .build()));
                    }
                }));
            }
            for (int w = 0; w < WORKERS; w++) {
                String worker = "w" + w;
                futures.add(pool.submit(() -> {
                    while (done.get() < total) {
                        for (Lease lease : queue.lease(worker, 8, Duration.ofHours(1))) {
                            String key = lease.task().request().key();
                            if (key != null && keyHolders.putIfAbsent(key, worker) != null) {
                                violations.add(key + " leased by " + worker + " while held");
                            }
                            executions
                                    .computeIfAbsent(lease.task().id(), id -> new AtomicInteger())
                                    .incrementAndGet();
                            if (key != null) {
                                keyHolders.remove(key, worker);
                            }
                            lease.complete(lease.task().id());
                            done.incrementAndGet();
                        }
                        Thread.onSpinWait();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES); // a liveness bound, not a performance assertion
            }
        } finally {
            pool.shutdownNow();
            queue.close();
        }
        assertThat(violations).isEmpty();
        assertThat(handles).hasSize(total);
        assertThat(executions).hasSize(total);
        assertThat(executions.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        for (TaskHandle h : handles) {
            assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(h.result()).isCompletedWithValue(h.id());
        }
    }
}
