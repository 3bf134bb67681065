package dev.scaleplane.core.internal.analysis;

import static dev.scaleplane.api.deployments.analysis.MeasurementPhase.ERROR;
import static dev.scaleplane.api.deployments.analysis.MeasurementPhase.FAILED;
import static dev.scaleplane.api.deployments.analysis.MeasurementPhase.INCONCLUSIVE;
import static dev.scaleplane.api.deployments.analysis.MeasurementPhase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MeasurementPhase;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricResult;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Argo Rollouts' phase rules for one metric: limits, their order, count, and what errors count for. */
class MetricStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private int n;

    private static MetricCheck check(UnaryOperator<MetricCheck.Builder> settings) {
        return settings.apply(MetricCheck.builder("error-rate")
                        .source(MetricSource.query("prometheus", "sum(rate(errors[5m]))"))
                        .successCondition("result < 0.05"))
                .build();
    }

    private Measurement m(MeasurementPhase phase) {
        n++;
        return new Measurement(
                "error-rate", T0.plusSeconds(60L * n), phase == ERROR ? null : 0.01, phase, "measurement " + n);
    }

    /** The phase after each of {@code phases}, null while running. */
    private List<AnalysisPhase> phases(MetricState state, MeasurementPhase... phases) {
        List<AnalysisPhase> out = new ArrayList<>();
        for (MeasurementPhase p : phases) {
            state.add(m(p));
            out.add(state.phase());
        }
        return out;
    }

    @Test
    void theFirstFailureFailsAMetricWithTheDefaultLimit() {
        MetricState s = new MetricState(check(b -> b.count(3)));

        assertThat(phases(s, SUCCESSFUL, FAILED)).containsExactly(null, AnalysisPhase.FAILED);
        assertThat(s.reason()).isEqualTo("1 failed measurement exceeds failureLimit 0 (last: measurement 2)");
        assertThat(s.result("unused"))
                .isEqualTo(new MetricResult(
                        "error-rate",
                        AnalysisPhase.FAILED,
                        1,
                        1,
                        0,
                        0,
                        0,
                        "1 failed measurement exceeds failureLimit 0 (last: measurement 2)"));
    }

    @Test
    void failuresWithinTheLimitLetTheCountDecide() {
        MetricState tolerant = new MetricState(check(b -> b.count(3).failureLimit(1)));
        assertThat(phases(tolerant, SUCCESSFUL, FAILED, SUCCESSFUL))
                .containsExactly(null, null, AnalysisPhase.SUCCESSFUL);
        assertThat(tolerant.reason())
                .isEqualTo("3 of count 3 measurements taken within the limits (2 successful, 1 failed, 0"
                        + " inconclusive, 0 errors)");

        MetricState exceeded = new MetricState(check(b -> b.count(5).failureLimit(2)));
        assertThat(phases(exceeded, FAILED, SUCCESSFUL, FAILED, SUCCESSFUL, FAILED))
                .containsExactly(null, null, null, null, AnalysisPhase.FAILED);
        assertThat(exceeded.reason()).startsWith("3 failed measurements exceed failureLimit 2");
    }

    @Test
    void theFifthConsecutiveErrorIsAnErrorWithTheDefaultLimit() {
        MetricState s = new MetricState(check(b -> b));

        assertThat(phases(s, ERROR, ERROR, ERROR, ERROR, ERROR))
                .containsExactly(null, null, null, null, AnalysisPhase.ERROR);
        assertThat(s.reason()).isEqualTo("5 consecutive errors exceed consecutiveErrorLimit 4 (last: measurement 5)");
        MetricResult r = s.result("unused");
        assertThat(r.errors()).isEqualTo(5);
        assertThat(r.consecutiveErrors()).isEqualTo(5);
        assertThat(r.measured()).isZero();
    }

    @Test
    void aMeasurementWithoutErrorResetsTheConsecutiveErrorsAndErrorsDoNotCount() {
        MetricState s = new MetricState(check(b -> b.count(3).consecutiveErrorLimit(2)));

        assertThat(phases(s, ERROR, ERROR, SUCCESSFUL, ERROR, ERROR, SUCCESSFUL, ERROR))
                .containsOnlyNulls();
        MetricResult running = s.result("not finished");
        assertThat(running.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(running.errors()).isEqualTo(5);
        assertThat(running.consecutiveErrors()).isEqualTo(1);
        assertThat(running.message())
                .isEqualTo("not finished: 2 of count 3 measurements taken (2 successful, 0 failed, 0 inconclusive, 5"
                        + " errors)");
        assertThat(phases(s, SUCCESSFUL)).containsExactly(AnalysisPhase.SUCCESSFUL);

        MetricState noTolerance = new MetricState(check(b -> b.consecutiveErrorLimit(0)));
        assertThat(phases(noTolerance, ERROR)).containsExactly(AnalysisPhase.ERROR);
        assertThat(noTolerance.reason()).startsWith("1 consecutive error exceeds consecutiveErrorLimit 0");
    }

    @Test
    void inconclusiveMeasurementsBeyondTheLimitMakeTheMetricInconclusive() {
        MetricState strict = new MetricState(check(b -> b.count(3)));
        assertThat(phases(strict, SUCCESSFUL, INCONCLUSIVE)).containsExactly(null, AnalysisPhase.INCONCLUSIVE);
        assertThat(strict.reason()).startsWith("1 inconclusive measurement exceeds inconclusiveLimit 0");

        MetricState tolerant = new MetricState(check(b -> b.count(3).inconclusiveLimit(1)));
        assertThat(phases(tolerant, INCONCLUSIVE, SUCCESSFUL, SUCCESSFUL))
                .containsExactly(null, null, AnalysisPhase.SUCCESSFUL);

        MetricState twice = new MetricState(check(b -> b.count(4).inconclusiveLimit(1)));
        assertThat(phases(twice, INCONCLUSIVE, SUCCESSFUL, INCONCLUSIVE))
                .containsExactly(null, null, AnalysisPhase.INCONCLUSIVE);
    }

    @Test
    void failureIsJudgedBeforeInconclusiveAndErrorsAndADecidedPhaseStays() {
        MetricState s = new MetricState(check(b -> b.count(3)));
        assertThat(phases(s, INCONCLUSIVE)).containsExactly(AnalysisPhase.INCONCLUSIVE);
        // Decided: a later failure (prior measurements past the decision, say) does not change it.
        assertThat(phases(s, FAILED, SUCCESSFUL, SUCCESSFUL)).containsOnly(AnalysisPhase.INCONCLUSIVE);

        MetricState both = new MetricState(check(b -> b.count(3).failureLimit(1).inconclusiveLimit(1)));
        assertThat(phases(both, INCONCLUSIVE, FAILED, FAILED)).containsExactly(null, null, AnalysisPhase.FAILED);
    }

    @Test
    void aValueIsJudgedByTheConditionsGiven() {
        MetricCheck successOnly = check(b -> b);
        assertThat(successOnly.judge(0.01)).isEqualTo(SUCCESSFUL);
        assertThat(successOnly.judge(0.05)).isEqualTo(FAILED);

        MetricCheck failureOnly = MetricCheck.builder("latency")
                .source(MetricSource.query("prometheus", "q"))
                .failureCondition("result > 0.5")
                .build();
        assertThat(failureOnly.judge(0.5)).isEqualTo(SUCCESSFUL);
        assertThat(failureOnly.judge(0.51)).isEqualTo(FAILED);

        MetricCheck both = MetricCheck.builder("latency")
                .source(MetricSource.query("prometheus", "q"))
                .successCondition("result < 0.2")
                .failureCondition("result > 0.5")
                .build();
        assertThat(both.judge(0.1)).isEqualTo(SUCCESSFUL);
        assertThat(both.judge(0.3)).isEqualTo(INCONCLUSIVE);
        assertThat(both.judge(0.6)).isEqualTo(FAILED);

        MetricCheck overlapping = MetricCheck.builder("x")
                .source(MetricSource.query("prometheus", "q"))
                .successCondition("result >= 0")
                .failureCondition("result >= 10")
                .build();
        assertThat(overlapping.judge(11)).as("the failure condition wins").isEqualTo(FAILED);
    }
}
