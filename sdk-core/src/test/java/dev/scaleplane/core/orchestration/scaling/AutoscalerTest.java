package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.scaling.ScalingActuator;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision.Reason;
import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import dev.scaleplane.api.orchestration.scaling.ScalingRules.Limit;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decisions one at a time: bounds, rule selection, and what happens when inputs or the actuator fail. */
class AutoscalerTest {
    private final VirtualTaskClock clock = new VirtualTaskClock();
    private int depth;
    private RuntimeException backlogFailure;

    /** Keeps the count it is given, or refuses while {@code failure} is set. */
    private static final class Pool implements ScalingActuator {
        int workers;
        RuntimeException failure;
        final List<Integer> calls = new ArrayList<>();

        Pool(int workers) {
            this.workers = workers;
        }

        @Override
        public int currentWorkers() {
            return workers;
        }

        @Override
        public void scale(int workers, ScalingDecision decision) {
            calls.add(workers);
            if (failure != null) {
                throw failure;
            }
            this.workers = workers;
        }
    }

    private Autoscaler autoscaler(Pool pool, ScalingPolicy policy) {
        return Autoscaler.builder("p", pool)
                .backlog(() -> {
                    if (backlogFailure != null) {
                        throw backlogFailure;
                    }
                    return TaskBacklog.ofDepth(depth);
                })
                .policy(policy)
                .clock(clock)
                .build();
    }

    private ScalingDecision next(Autoscaler a) {
        clock.advance(Duration.ofSeconds(15));
        return a.evaluate();
    }

    @Test
    void aPoolOutsideItsBoundsIsBroughtInsideAtOnce() {
        ScalingPolicy policy = ScalingPolicy.builder().workers(2, 5).build();
        Pool small = new Pool(0);
        ScalingDecision up = autoscaler(small, policy).evaluate();
        assertThat(up.reason()).isEqualTo(Reason.BELOW_MIN);
        assertThat(small.workers).isEqualTo(2);
        Pool big = new Pool(9);
        depth = 1000;
        ScalingDecision down = autoscaler(big, policy).evaluate();
        assertThat(down.reason()).isEqualTo(Reason.ABOVE_MAX);
        assertThat(down.recommendedWorkers()).isEqualTo(5);
        assertThat(big.workers).isEqualTo(5);
    }

    @Test
    void withoutWindowsSelectChoosesTheLargestOrSmallestAllowedChange() {
        // +4 workers or +50% per 15 s; no window.
        ScalingRules up = new ScalingRules(
                Duration.ZERO,
                ScalingRules.Select.MAX,
                List.of(Limit.workers(4, Duration.ofSeconds(15)), Limit.percent(50, Duration.ofSeconds(15))));
        depth = 1000;
        Pool most = new Pool(10);
        Autoscaler a = autoscaler(
                most, ScalingPolicy.builder().workers(1, 100).scaleUp(up).build());
        assertThat(a.evaluate().desiredWorkers())
                .as("max(10 + 4, ceil(10 x 1.5))")
                .isEqualTo(15);
        Pool least = new Pool(10);
        Autoscaler b = autoscaler(
                least,
                ScalingPolicy.builder()
                        .workers(1, 100)
                        .scaleUp(up.withSelect(ScalingRules.Select.MIN))
                        .build());
        assertThat(b.evaluate().desiredWorkers()).as("min(10 + 4, 15)").isEqualTo(14);
        assertThat(next(b).desiredWorkers())
                .as("from 14 at the start of the next period")
                .isEqualTo(18);
        Pool frozen = new Pool(10);
        Autoscaler c = autoscaler(
                frozen,
                ScalingPolicy.builder()
                        .workers(1, 100)
                        .scaleUp(ScalingRules.disabled())
                        .build());
        ScalingDecision held = c.evaluate();
        assertThat(held.reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(frozen.calls).isEmpty();
    }

    @Test
    void anUnreadableBacklogOrAMissingInputKeepsTheCount() {
        Pool pool = new Pool(3);
        Autoscaler a = autoscaler(pool, ScalingPolicy.builder().workers(1, 10).build());
        backlogFailure = new IllegalStateException("broker down");
        ScalingDecision d = a.evaluate();
        assertThat(d.reason()).isEqualTo(Reason.METRICS_UNAVAILABLE);
        assertThat(d.message()).contains("broker down");
        assertThat(pool.calls).isEmpty();

        Pool aged = new Pool(3);
        backlogFailure = null;
        Autoscaler b = autoscaler(
                aged,
                ScalingPolicy.builder()
                        .metrics(ScalingMetric.oldestReadyAge(Duration.ofSeconds(30)))
                        .build());
        ScalingDecision noAge = b.evaluate();
        assertThat(noAge.reason()).isEqualTo(Reason.METRICS_UNAVAILABLE);
        assertThat(noAge.readings()).singleElement().satisfies(r -> {
            assertThat(r.value()).isNull();
            assertThat(r.workers()).isNull();
        });
    }

    @Test
    void aFailedActuatorCountsNoChangeAndIsTriedAgain() {
        ScalingPolicy policy = ScalingPolicy.builder()
                .workers(1, 10)
                .scaleUp(ScalingRules.of(Duration.ZERO, Limit.workers(1, Duration.ofSeconds(60))))
                .build();
        Pool pool = new Pool(1);
        Autoscaler a = autoscaler(pool, policy);
        depth = 100;
        pool.failure = new IllegalStateException("quota");
        ScalingDecision failed = a.evaluate();
        assertThat(failed.reason()).isEqualTo(Reason.ACTUATOR_FAILED);
        assertThat(failed.desiredWorkers()).isEqualTo(1);
        pool.failure = null;
        // The failed change does not use up the +1 per 60 s.
        assertThat(next(a).desiredWorkers()).isEqualTo(2);
        assertThat(next(a).reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(pool.calls).containsExactly(2, 2);
    }

    @Test
    void aClosedAutoscalerRefusesToEvaluate() {
        Autoscaler a = autoscaler(new Pool(1), ScalingPolicy.ofDefaults());
        a.close();
        assertThatThrownBy(a::evaluate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'p'");
        assertThatThrownBy(() -> Autoscaler.builder("p", new Pool(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue(...) or backlog(...)");
    }
}
