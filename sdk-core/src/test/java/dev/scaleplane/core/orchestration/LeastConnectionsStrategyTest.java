package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import org.junit.jupiter.api.Test;

class LeastConnectionsStrategyTest {

    private final DispatchStrategy lc = DispatchStrategies.leastConnections();

    @Test
    void picksTheWorkerWithFewestTasksInFlight() {
        Workers pool = new Workers().add("a", 10).add("b", 10).add("c", 10);
        pool.inFlight("a", 3).inFlight("b", 1).inFlight("c", 2);
        assertThat(pool.dispatch(lc)).isEqualTo("b");
        // b now has 2 like c: the tie goes to the smaller id.
        assertThat(pool.dispatch(lc)).isEqualTo("b");
        assertThat(pool.dispatch(lc)).isEqualTo("c");
    }

    @Test
    void breaksTiesByIdNotByCandidateOrder() {
        Workers pool = new Workers().add("c", 1).add("b", 1).add("a", 1);
        assertThat(pool.choices(lc, 2)).containsExactly("a", "a");
    }

    @Test
    void spreadsEvenlyFromAnIdlePool() {
        Workers pool = new Workers().add("a", 2).add("b", 2).add("c", 2);
        for (int i = 0; i < 6; i++) {
            pool.dispatch(lc);
        }
        assertThat(pool.views()).allSatisfy(w -> assertThat(w.inFlight()).isEqualTo(2));
        assertThat(pool.dispatch(lc)).isNull();
    }

    @Test
    void skipsFullAndUnhealthyWorkersEvenWithFewerInFlight() {
        Workers pool = new Workers().add("a", 1).add("b", 5).add("c", 5);
        pool.inFlight("a", 1).inFlight("b", 0).healthy("b", false).inFlight("c", 4);
        assertThat(pool.dispatch(lc)).isEqualTo("c");
    }
}
