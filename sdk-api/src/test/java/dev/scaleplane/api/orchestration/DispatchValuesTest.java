package dev.scaleplane.api.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DispatchValuesTest {

    private static final Task TASK = new Task("t", TaskRequest.of("deploy", "p"), 1, 1, Instant.EPOCH);

    @Test
    void workerSpecValidatesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> WorkerSpec.of("w", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots must be >= 1, but was 0");
        assertThatThrownBy(() -> WorkerSpec.of("w", 1).withWeight(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight must be >= 1, but was 0");
        assertThatThrownBy(() -> WorkerSpec.of("not valid", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id must be");
        assertThatThrownBy(() -> WorkerView.of(WorkerSpec.of("w", 1), -1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inFlight must be >= 0, but was -1");
    }

    @Test
    void workerSpecCopiesLabelsAndMatchesRequiredLabels() {
        Map<String, String> labels = new HashMap<>(Map.of("zone", "eu", "gpu", "true"));
        WorkerSpec spec = WorkerSpec.of("w", 2).withLabels(labels);
        labels.clear();
        assertThat(spec.labels()).containsOnlyKeys("zone", "gpu");
        assertThat(spec.hasLabels(Map.of())).isTrue();
        assertThat(spec.hasLabels(Map.of("zone", "eu"))).isTrue();
        assertThat(spec.hasLabels(Map.of("zone", "us"))).isFalse();
        assertThat(spec.hasLabels(Map.of("rack", "1"))).isFalse();
    }

    @Test
    void freeSlotsNeverGoBelowZero() {
        WorkerSpec spec = WorkerSpec.of("w", 2);
        assertThat(WorkerView.of(spec, 0, true).freeSlots()).isEqualTo(2);
        assertThat(WorkerView.of(spec, 3, true).freeSlots()).isZero();
    }

    @Test
    void defaultEligibleKeepsHealthyWorkersWithRoomInOrder() {
        WorkerView a = WorkerView.of(WorkerSpec.of("a", 1), 1, true);
        WorkerView b = WorkerView.of(WorkerSpec.of("b", 1), 0, false);
        WorkerView c = WorkerView.of(WorkerSpec.of("c", 1), 0, true);
        DispatchStrategy first = (task, ws) -> ws.isEmpty() ? Optional.empty() : Optional.of(ws.get(0));
        assertThat(first.eligible(TASK, List.of(a, b, c))).containsExactly(c);
        List<WorkerView> all = List.of(c);
        assertThat(first.eligible(TASK, all)).isSameAs(all);
    }

    @Test
    void thenFeedsEligibleWorkersToTheNextStrategyAndForwardsCallbacksToAll() {
        List<String> calls = new ArrayList<>();
        DispatchStrategy dropA = new DispatchStrategy() {
            @Override
            public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
                throw new AssertionError("a filter does not choose in a composite");
            }

            @Override
            public <W extends WorkerView> List<W> eligible(Task task, List<W> candidates) {
                return candidates.stream().filter(w -> !w.id().equals("a")).toList();
            }

            @Override
            public void onDispatched(Task task, WorkerView worker) {
                calls.add("filter dispatched " + worker.id());
            }

            @Override
            public void onSuccess(WorkerView worker, Duration elapsed) {
                calls.add("filter success " + worker.id());
            }

            @Override
            public void onFailure(WorkerView worker, Throwable failure) {
                calls.add("filter failure " + worker.id());
            }
        };
        DispatchStrategy last = (task, ws) -> ws.isEmpty() ? Optional.empty() : Optional.of(ws.get(ws.size() - 1));
        WorkerView a = WorkerView.of(WorkerSpec.of("a", 1), 0, true);
        WorkerView b = WorkerView.of(WorkerSpec.of("b", 1), 0, true);
        WorkerView c = WorkerView.of(WorkerSpec.of("c", 1), 1, true);

        DispatchStrategy composite = DispatchStrategy.composite(dropA, last);
        assertThat(composite.choose(TASK, List.of(a, b, c))).containsSame(b);
        assertThat(composite.choose(TASK, List.of(a, b))).containsSame(b);
        assertThat(composite.choose(TASK, List.of(a))).isEmpty();
        assertThat(composite.eligible(TASK, List.of(a, b, c))).containsExactly(b);

        composite.onDispatched(TASK, b);
        composite.onSuccess(b, Duration.ZERO);
        composite.onFailure(b, new RuntimeException());
        assertThat(calls).containsExactly("filter dispatched b", "filter success b", "filter failure b");
    }

    @Test
    void compositeNeverReturnsAFullWorkerEvenFromACarelessLastStrategy() {
        WorkerView full = WorkerView.of(WorkerSpec.of("full", 1), 1, true);
        DispatchStrategy careless = (task, ws) -> Optional.of(full);
        DispatchStrategy pass = (task, ws) -> Optional.empty();
        assertThat(pass.then(careless).choose(TASK, List.of(full))).isEmpty();
    }
}
