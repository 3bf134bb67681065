package dev.scaleplane.core.orchestration;

import static dev.scaleplane.core.orchestration.Workers.TASK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

    @Test
    void cyclesThroughWorkersInOrder() {
        Workers pool = new Workers().add("a", 2).add("b", 2).add("c", 2);
        assertThat(pool.choices(DispatchStrategies.roundRobin(), 7)).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void skipsFullWorkersAndGivesThemTheirTurnBackWhenTheyHaveRoom() {
        DispatchStrategy rr = DispatchStrategies.roundRobin();
        Workers pool = new Workers().add("a", 1).add("b", 1).add("c", 1).inFlight("b", 1);
        assertThat(pool.choices(rr, 4)).containsExactly("a", "c", "a", "c");
        pool.inFlight("b", 0);
        assertThat(pool.choices(rr, 3)).containsExactly("a", "b", "c");
    }

    @Test
    void skipsUnhealthyWorkers() {
        Workers pool = new Workers().add("a", 1).add("b", 1).healthy("a", false);
        assertThat(pool.choices(DispatchStrategies.roundRobin(), 3)).containsExactly("b", "b", "b");
    }

    @Test
    void choosesNothingWhenEveryWorkerIsFull() {
        DispatchStrategy rr = DispatchStrategies.roundRobin();
        Workers pool = new Workers().add("a", 1).add("b", 2);
        assertThat(pool.dispatch(rr)).isEqualTo("a");
        assertThat(pool.dispatch(rr)).isEqualTo("b");
        assertThat(pool.dispatch(rr)).isEqualTo("b");
        assertThat(pool.dispatch(rr)).isNull();
        assertThat(rr.choose(TASK, List.of())).isEmpty();
    }
}
