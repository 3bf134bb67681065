package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The defaults of the issue, and typed errors that name the field, its value and what is valid. */
class ScalingPolicyTest {

    private static void rejects(ThrowingCallable call, String key, String value) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> {
                            assertThat(p.key()).isEqualTo(key);
                            assertThat(p.value()).isEqualTo(value);
                            assertThat(p.expected()).isNotBlank();
                        }))
                .hasMessageContaining(key);
    }

    @Test
    void defaultsAreTheSeedsValues() {
        ScalingPolicy p = ScalingPolicy.ofDefaults();
        assertThat(p.minWorkers()).isEqualTo(1);
        assertThat(p.maxWorkers()).isEqualTo(10);
        assertThat(p.metrics()).containsExactly(ScalingMetric.depth(10));
        assertThat(p.evaluationInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.scaleUp())
                .isEqualTo(new ScalingRules(
                        Duration.ofSeconds(60),
                        ScalingRules.Select.MAX,
                        List.of(ScalingRules.Limit.percent(100, Duration.ofSeconds(15)))));
        assertThat(p.scaleDown())
                .isEqualTo(new ScalingRules(
                        Duration.ofSeconds(300),
                        ScalingRules.Select.MAX,
                        List.of(ScalingRules.Limit.percent(10, Duration.ofSeconds(60)))));
        assertThat(WorkerPool.DEFAULT_DRAIN_TIMEOUT).isEqualTo(Duration.ofSeconds(300));
        assertThat(p.toBuilder().build().toString()).isEqualTo(p.toString());
    }

    @Test
    void badValuesNameTheirField() {
        rejects(() -> ScalingPolicy.builder().workers(0, 5), "minWorkers", "0");
        rejects(() -> ScalingPolicy.builder().workers(5, 4), "maxWorkers", "4");
        rejects(() -> ScalingPolicy.builder().metrics(List.of()), "metrics", "[]");
        rejects(
                () -> ScalingPolicy.builder().metrics(ScalingMetric.depth(5), ScalingMetric.depth(6)),
                "metrics",
                "[Depth[targetPerWorker=5], Depth[targetPerWorker=6]]");
        rejects(
                () -> ScalingPolicy.builder().evaluationInterval(Duration.ofMillis(500)),
                "evaluationInterval",
                "PT0.5S");
        rejects(() -> ScalingMetric.depth(0), "targetPerWorker", "0");
        rejects(() -> ScalingMetric.oldestReadyAge(Duration.ZERO), "targetAge", "PT0S");
        rejects(
                () -> ScalingRules.of(Duration.ofSeconds(-1), ScalingRules.Limit.percent(10, Duration.ofSeconds(60))),
                "stabilizationWindow",
                "PT-1S");
        rejects(() -> ScalingRules.of(Duration.ofSeconds(60)), "limits", "[]");
        rejects(() -> ScalingRules.Limit.percent(0, Duration.ofSeconds(60)), "value", "0");
        rejects(() -> ScalingRules.Limit.workers(4, Duration.ofHours(1)), "period", "PT1H");
        assertThat(ScalingRules.disabled().limits()).isEmpty();
    }

    @Test
    void metricsRecommendWithIntegerArithmetic() {
        TaskBacklog backlog = new TaskBacklog(95, Duration.ofSeconds(20));
        assertThat(ScalingMetric.depth(10).recommend(backlog, 3)).isEqualTo(OptionalInt.of(10));
        assertThat(ScalingMetric.depth(10).recommend(TaskBacklog.ofDepth(0), 3)).isEqualTo(OptionalInt.of(0));
        // 3 workers x 20 s / 10 s is exactly 6, not 7
        assertThat(ScalingMetric.oldestReadyAge(Duration.ofSeconds(10)).recommend(backlog, 3))
                .isEqualTo(OptionalInt.of(6));
        assertThat(ScalingMetric.oldestReadyAge(Duration.ofSeconds(10)).recommend(TaskBacklog.ofDepth(5), 3))
                .as("a backend without the age recommends nothing")
                .isEmpty();
    }
}
