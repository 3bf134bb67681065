package dev.scaleplane.core.internal.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.Condition;
import dev.scaleplane.api.deployments.analysis.InvalidConditionException;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.deployments.analysis.UnknownPlaceholderException;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Building analysis specs: defaults, every problem reported at once, sources and their placeholders. */
class AnalysisSpecTest {

    private static MetricCheck.Builder errorRate(String name) {
        return MetricCheck.builder(name)
                .source(MetricSource.query("prometheus", "sum(rate(errors{job=\"{{service}}\"}[5m]))"))
                .successCondition(Condition.below(0.05));
    }

    @Test
    void metricsHaveArgoDefaults() {
        MetricCheck m = errorRate("error-rate").build();

        assertThat(m.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(m.count()).isEqualTo(1);
        assertThat(m.initialDelay()).isEqualTo(Duration.ZERO);
        assertThat(m.failureLimit()).isZero();
        assertThat(m.consecutiveErrorLimit()).isEqualTo(4);
        assertThat(m.inconclusiveLimit()).isZero();
        assertThat(m.successCondition()).contains(Condition.parse("result < 0.05"));
        assertThat(m.failureCondition()).isEmpty();
        assertThat(m.toBuilder().build().toString()).isEqualTo(m.toString());
    }

    @Test
    void everyProblemOfAMetricIsListedWithItsKey() {
        assertThatThrownBy(() -> MetricCheck.builder("error-rate")
                        .interval(Duration.ZERO)
                        .count(0)
                        .initialDelay(Duration.ofSeconds(-1))
                        .failureLimit(-1)
                        .consecutiveErrorLimit(-2)
                        .inconclusiveLimit(-3)
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::value)
                        .containsExactly(
                                tuple("analysis.metrics.error-rate.source", null),
                                tuple("analysis.metrics.error-rate.success-condition", null),
                                tuple("analysis.metrics.error-rate.interval", "PT0S"),
                                tuple("analysis.metrics.error-rate.count", "0"),
                                tuple("analysis.metrics.error-rate.initial-delay", "PT-1S"),
                                tuple("analysis.metrics.error-rate.failure-limit", "-1"),
                                tuple("analysis.metrics.error-rate.consecutive-error-limit", "-2"),
                                tuple("analysis.metrics.error-rate.inconclusive-limit", "-3")));
        assertThatThrownBy(() -> errorRate("bad name!").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("analysis.metrics.<name> = 'bad name!': expected a metric name of 1-63 letters");
    }

    @Test
    void aConditionStringIsParsedWhenSet() {
        assertThatThrownBy(() -> MetricCheck.builder("x").successCondition("result >= "))
                .isInstanceOf(InvalidConditionException.class)
                .hasMessageContaining("at position 9");
    }

    @Test
    void metricNamesAreUniqueAndAnEmptySpecIsNone() {
        assertThatThrownBy(() -> AnalysisSpec.of(
                        errorRate("a").build(),
                        errorRate("b").build(),
                        errorRate("a").build(),
                        errorRate("a").build()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly(new Problem(
                                "analysis.metrics.a.name",
                                "a",
                                "a name unique within the analysis, but 3 metrics have it")));
        assertThat(AnalysisSpec.builder().build()).isSameAs(AnalysisSpec.none());
        assertThat(AnalysisSpec.none().isNone()).isTrue();
        AnalysisSpec spec =
                AnalysisSpec.of(errorRate("a").build(), errorRate("b").build());
        assertThat(spec.metrics()).extracting(MetricCheck::name).containsExactly("a", "b");
        assertThat(spec.metric("b")).isPresent();
        assertThat(spec.metric("c")).isEmpty();
    }

    @Test
    void placeholdersAreReplacedByTheRunsArgsAndAnUnknownOneIsNamed() {
        MetricSource.Query q = MetricSource.query(
                "prometheus",
                "sum(rate(x{job=\"{{service}}\",version=\"{{ version }}\",cluster=\"{{cluster}}\"}[1m]))");

        assertThat(q.resolve(Map.of("service", "checkout", "version", "1.2.$3", "cluster", "ams-1"))
                        .query())
                .isEqualTo("sum(rate(x{job=\"checkout\",version=\"1.2.$3\",cluster=\"ams-1\"}[1m]))");
        assertThatThrownBy(() -> q.resolve(Map.of("service", "checkout", "version", "1")))
                .isInstanceOfSatisfying(UnknownPlaceholderException.class, e -> {
                    assertThat(e.placeholder()).isEqualTo("cluster");
                    assertThat(e.text()).isEqualTo(q.query());
                })
                .hasMessage("unknown placeholder {{cluster}} in \"" + q.query() + "\": the analysis run's args are"
                        + " [service, version]; pass an arg named 'cluster' when starting the run, or correct the"
                        + " placeholder");
        assertThatThrownBy(() -> MetricSource.query("prometheus", "up{job=\"{{service\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("query \"up{job=\"{{service\"}\" has a malformed placeholder at position 8; write {{name}}"
                        + " with a name of letters, digits, '_', '-' or '.', e.g. {{service}}");
        assertThat(MetricSource.query("prometheus", "up").resolve(Map.of()))
                .isEqualTo(MetricSource.query("prometheus", "up"));
    }

    @Test
    void eventSourcesAreCountsOrRatiosAndCheckTheirFields() {
        MetricSource.Events share = MetricSource.deploymentFailureRatio(Duration.ofMinutes(10));
        assertThat(share.ratio()).isTrue();
        assertThat(share.types()).containsExactly(DeploymentFailed.TYPE_NAME);
        assertThat(share.otherTypes()).containsExactly(DeploymentCompleted.TYPE_NAME);
        assertThat(share.resolve(Map.of("service", "checkout")).filterValue()).isEqualTo("checkout");
        assertThat(share.orWhenNone(0).valueWhenNone()).isEqualTo(0.0);
        assertThat(MetricSource.eventCount(Duration.ofMinutes(5), Set.of("a")).ratio())
                .isFalse();

        assertThatThrownBy(() -> MetricSource.eventCount(Duration.ofMinutes(5), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("types must be one or more event type names");
        assertThatThrownBy(() -> MetricSource.eventRatio(Duration.ofMinutes(5), Set.of("a"), Set.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("otherTypes must not repeat types, but both hold [a]");
        assertThatThrownBy(() -> MetricSource.eventCount(Duration.ZERO, Set.of("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be positive, e.g. PT10M, but was PT0S");
        assertThatThrownBy(() -> MetricSource.eventCount(Duration.ofMinutes(5), Set.of("a"))
                        .orWhenNone(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueWhenNone must be a finite number and is for ratios only (a count with no events is"
                        + " 0), but was 0.0 for a count");
        assertThatThrownBy(() -> MetricSource.query(" ", "up"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("adapter must name an observability adapter instance");
    }
}
