package dev.scaleplane.core.orchestration;

import static dev.scaleplane.core.orchestration.Workers.TASK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Stateful strategies shared by several dispatcher threads keep their rotation exact: every decision takes a turn of
 * its own, whatever the interleaving. Counts only, no timing.
 */
class StrategyConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 7_000;

    private static Map<String, AtomicInteger> hammer(DispatchStrategy s, List<WorkerView> pool) throws Exception {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[THREADS];
            for (int t = 0; t < THREADS; t++) {
                done[t] = executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        String id = s.choose(TASK, pool).orElseThrow().id();
                        counts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            executor.shutdownNow();
        }
        return counts;
    }

    @Test
    void roundRobinGivesEveryWorkerExactlyItsShare() throws Exception {
        List<WorkerView> pool =
                new Workers().add("a", 1).add("b", 1).add("c", 1).add("d", 1).views();
        Map<String, AtomicInteger> counts = hammer(DispatchStrategies.roundRobin(), pool);
        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(THREADS * PER_THREAD / 4));
    }

    @Test
    void smoothWeightedGivesEveryWorkerExactlyItsWeightedShare() throws Exception {
        List<WorkerView> pool = new Workers()
                .add(WorkerSpec.of("a", 1).withWeight(5))
                .add(WorkerSpec.of("b", 1))
                .add(WorkerSpec.of("c", 1))
                .views();
        Map<String, AtomicInteger> counts = hammer(DispatchStrategies.smoothWeighted(), pool);
        int rounds = THREADS * PER_THREAD / 7;
        assertThat(counts.get("a").get()).isEqualTo(5 * rounds);
        assertThat(counts.get("b").get()).isEqualTo(rounds);
        assertThat(counts.get("c").get()).isEqualTo(rounds);
    }
}
