package dev.scaleplane.core.orchestration;

import static dev.scaleplane.core.orchestration.Workers.TASK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositionTest {

    private static final Duration COOL_DOWN = Duration.ofSeconds(10);

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final HealthPolicy twoStrikes = HealthPolicy.builder()
            .consecutiveFailures(2)
            .failureRateThreshold(1.0)
            .coolDown(COOL_DOWN)
            .build();

    @Test
    void healthFilterThenCapacityAwareChoice() {
        DispatchStrategy s = DispatchStrategies.healthBased(twoStrikes, clock)
                .then(DispatchStrategies.capacityAware(Map.of("zone", "eu")));
        Workers pool = new Workers()
                .add(WorkerSpec.of("a", 4).withLabels(Map.of("zone", "eu")))
                .add(WorkerSpec.of("b", 4).withLabels(Map.of("zone", "eu")))
                .add(WorkerSpec.of("c", 4).withLabels(Map.of("zone", "us")))
                .inFlight("b", 1);
        assertThat(pool.dispatch(s)).isEqualTo("a");

        // The composite forwards outcomes to the health filter: two failures eject a.
        s.onFailure(pool.view("a"), new RuntimeException());
        s.onFailure(pool.view("a"), new RuntimeException());
        // b has the lower free ratio now that a is out, but it is the only eligible eu worker; c never qualifies.
        pool.inFlight("a", 0);
        assertThat(pool.choices(s, 3)).containsExactly("b", "b", "b");

        // After the cool-down a is probed once (it has the higher free ratio), then held until the probe ends.
        clock.advance(COOL_DOWN);
        assertThat(pool.dispatch(s)).isEqualTo("a");
        assertThat(pool.dispatch(s)).isEqualTo("b");
        s.onSuccess(pool.view("a"), Duration.ofMillis(3));
        assertThat(pool.dispatch(s)).isEqualTo("a");
    }

    @Test
    void filtersComposeWithAnyChooser() {
        DispatchStrategy s = DispatchStrategy.composite(
                DispatchStrategies.requireLabels(Map.of("tier", "gold")),
                DispatchStrategies.filter((task, w) -> !w.id().equals("g2")),
                DispatchStrategies.roundRobin());
        Workers pool = new Workers()
                .add(WorkerSpec.of("g1", 9).withLabels(Map.of("tier", "gold")))
                .add(WorkerSpec.of("s1", 9).withLabels(Map.of("tier", "silver")))
                .add(WorkerSpec.of("g2", 9).withLabels(Map.of("tier", "gold")))
                .add(WorkerSpec.of("g3", 9).withLabels(Map.of("tier", "gold")));
        assertThat(pool.choices(s, 4)).containsExactly("g1", "g3", "g1", "g3");
        assertThat(s.eligible(TASK, pool.views())).extracting(w -> w.id()).containsExactly("g1", "g3");
    }

    @Test
    void aCompositeNeverChoosesAFullWorker() {
        DispatchStrategy s =
                DispatchStrategies.healthBased(twoStrikes, clock).then(DispatchStrategies.smoothWeighted());
        Workers pool = new Workers().add("a", 1).add("b", 1);
        assertThat(pool.dispatch(s)).isEqualTo("a");
        assertThat(pool.dispatch(s)).isEqualTo("b");
        assertThat(pool.dispatch(s)).isNull();
    }
}
