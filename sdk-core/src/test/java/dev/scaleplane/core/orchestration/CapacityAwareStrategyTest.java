package dev.scaleplane.core.orchestration;

import static dev.scaleplane.core.orchestration.Workers.TASK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class CapacityAwareStrategyTest {

    @Test
    void prefersTheHighestFreeCapacityRatioOverTheMostFreeSlots() {
        // a: 3 of 4 free (0.75); b: 6 of 10 free (0.6).
        Workers pool = new Workers().add("a", 4).add("b", 10).inFlight("a", 1).inFlight("b", 4);
        assertThat(pool.dispatch(DispatchStrategies.capacityAware())).isEqualTo("a");
    }

    @Test
    void equalRatiosGoToMoreFreeSlotsThenToTheSmallestId() {
        Workers pool = new Workers()
                .add("c", 2)
                .add("b", 4)
                .add("a", 2)
                .inFlight("c", 1)
                .inFlight("b", 2);
        pool.inFlight("a", 1);
        // All at 0.5: b has 2 free, a and c 1 each.
        assertThat(pool.choices(DispatchStrategies.capacityAware(), 1)).containsExactly("b");
        Workers even = new Workers().add("c", 2).add("a", 2);
        assertThat(even.choices(DispatchStrategies.capacityAware(), 1)).containsExactly("a");
    }

    @Test
    void fillsAPoolEvenlyAndNeverBeyondItsSlots() {
        DispatchStrategy s = DispatchStrategies.capacityAware();
        Workers pool = new Workers().add("big", 8).add("small", 2);
        List<String> order = new ArrayList<>();
        String id;
        while ((id = pool.dispatch(s)) != null) {
            order.add(id);
        }
        assertThat(order).hasSize(10);
        assertThat(pool.views()).allSatisfy(w -> assertThat(w.freeSlots()).isZero());
        // The small worker is used early, not only once the big one is full.
        assertThat(order.subList(0, 5)).contains("small");
    }

    @Test
    void honoursRequiredLabels() {
        Workers pool = new Workers()
                .add(WorkerSpec.of("eu-1", 10).withLabels(Map.of("zone", "eu")))
                .add(WorkerSpec.of("us-1", 10).withLabels(Map.of("zone", "us")))
                .add(WorkerSpec.of("eu-2", 10).withLabels(Map.of("zone", "eu", "gpu", "true")))
                .inFlight("eu-1", 5);
        assertThat(pool.dispatch(DispatchStrategies.capacityAware(Map.of("zone", "eu"))))
                .isEqualTo("eu-2");
        assertThat(pool.dispatch(DispatchStrategies.capacityAware(Map.of("zone", "us"))))
                .isEqualTo("us-1");
        assertThat(pool.dispatch(DispatchStrategies.capacityAware(Map.of("zone", "ap"))))
                .isNull();
    }

    @Test
    void aConstraintCanBeDerivedFromTheTask() {
        BiPredicate<Task, WorkerView> gpuTasksNeedGpus =
                (task, worker) -> !task.type().startsWith("gpu.")
                        || "true".equals(worker.spec().labels().get("gpu"));
        DispatchStrategy s = DispatchStrategies.capacityAware(gpuTasksNeedGpus);
        Workers pool = new Workers()
                .add(WorkerSpec.of("cpu", 10))
                .add(WorkerSpec.of("gpu", 10).withLabels(Map.of("gpu", "true")))
                .inFlight("gpu", 5);
        Task gpuTask = new Task("t2", TaskRequest.of("gpu.train", "x"), 1, 1, Instant.EPOCH);
        assertThat(s.choose(gpuTask, pool.views()).map(WorkerView::id)).contains("gpu");
        assertThat(s.choose(TASK, pool.views()).map(WorkerView::id)).contains("cpu");
    }

    @Test
    void neverReturnsAFullWorkerOverManyRandomPools() {
        Random random = new Random(20261122L);
        DispatchStrategy unconstrained = DispatchStrategies.capacityAware();
        DispatchStrategy labelled = DispatchStrategies.capacityAware(Map.of("zone", "eu"));
        for (int round = 0; round < 5_000; round++) {
            List<WorkerView> pool = new ArrayList<>();
            int size = random.nextInt(8);
            for (int i = 0; i < size; i++) {
                int slots = 1 + random.nextInt(6);
                WorkerSpec spec = WorkerSpec.of("w" + i, slots)
                        .withLabels(random.nextBoolean() ? Map.of("zone", "eu") : Map.of("zone", "us"));
                pool.add(WorkerView.of(spec, random.nextInt(slots + 2), random.nextInt(10) > 0));
            }
            check(pool, unconstrained, Map.of());
            check(pool, labelled, Map.of("zone", "eu"));
        }
    }

    /** The choice has room, is healthy, matches, and no matching worker has a strictly higher free ratio. */
    private static void check(List<WorkerView> pool, DispatchStrategy s, Map<String, String> labels) {
        Optional<WorkerView> chosen = s.choose(TASK, pool);
        List<WorkerView> fits = pool.stream()
                .filter(w -> w.healthy() && w.freeSlots() > 0 && w.spec().hasLabels(labels))
                .toList();
        if (fits.isEmpty()) {
            assertThat(chosen).as("pool %s", pool).isEmpty();
            return;
        }
        assertThat(chosen).as("pool %s", pool).isPresent();
        WorkerView w = chosen.get();
        assertThat(pool).as("chosen from the candidates").anyMatch(c -> c == w);
        assertThat(w.freeSlots()).as("pool %s", pool).isPositive();
        assertThat(w.healthy()).isTrue();
        assertThat(w.spec().hasLabels(labels)).isTrue();
        double ratio = (double) w.freeSlots() / w.spec().slots();
        assertThat(fits)
                .allSatisfy(o ->
                        assertThat((double) o.freeSlots() / o.spec().slots()).isLessThanOrEqualTo(ratio));
    }
}
