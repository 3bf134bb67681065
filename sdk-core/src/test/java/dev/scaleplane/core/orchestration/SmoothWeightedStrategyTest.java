package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.WorkerSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedStrategyTest {

    private static Workers weighted(int a, int b, int c) {
        return new Workers()
                .add(WorkerSpec.of("a", 100).withWeight(a))
                .add(WorkerSpec.of("b", 100).withWeight(b))
                .add(WorkerSpec.of("c", 100).withWeight(c));
    }

    @Test
    void weightsFiveOneOneGiveTheNginxSequence() {
        DispatchStrategy swrr = DispatchStrategies.smoothWeighted();
        Workers pool = weighted(5, 1, 1);
        List<String> expected = List.of("a", "a", "b", "a", "c", "a", "a");
        assertThat(pool.choices(swrr, 7)).isEqualTo(expected);
        // The state returns to zero after one full round, so the sequence repeats.
        assertThat(pool.choices(swrr, 7)).isEqualTo(expected);
    }

    @Test
    void equalWeightsAreRoundRobin() {
        assertThat(weighted(1, 1, 1).choices(DispatchStrategies.smoothWeighted(), 6))
                .containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void eachWorkerIsChosenInProportionToItsWeight() {
        List<String> choices = weighted(4, 2, 1).choices(DispatchStrategies.smoothWeighted(), 70);
        assertThat(Map.of(
                        "a", Collections.frequency(choices, "a"),
                        "b", Collections.frequency(choices, "b"),
                        "c", Collections.frequency(choices, "c")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 40, "b", 20, "c", 10));
    }

    @Test
    void fullWorkersSitOutAndTheRestShareByWeight() {
        DispatchStrategy swrr = DispatchStrategies.smoothWeighted();
        Workers pool = weighted(5, 1, 1).inFlight("a", 100);
        assertThat(pool.choices(swrr, 4)).containsExactly("b", "c", "b", "c");
        pool.inFlight("a", 100).inFlight("b", 100).inFlight("c", 100);
        assertThat(pool.choices(swrr, 1)).containsOnlyNulls();
    }

    @Test
    void workersThatLeaveThePoolAreForgotten() {
        DispatchStrategy swrr = DispatchStrategies.smoothWeighted();
        weighted(5, 1, 1).choices(swrr, 3);
        Workers fresh = new Workers().add(WorkerSpec.of("x", 1).withWeight(2)).add(WorkerSpec.of("y", 1));
        assertThat(fresh.choices(swrr, 3)).containsExactly("x", "y", "x");
    }
}
