package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricResult;
import org.jspecify.annotations.Nullable;

/**
 * The tallies and phase of one metric, applying Argo Rollouts' rules after each measurement, in this order: failed
 * when failures exceed the failure limit, inconclusive when inconclusive measurements exceed theirs, in error when
 * consecutive errors exceed theirs, successful when {@code count} measurements without error were taken. A decided
 * phase stays. Not thread-safe: the run guards it.
 */
final class MetricState {
    private final MetricCheck check;
    private int successful;
    private int failed;
    private int inconclusive;
    private int errors;
    private int consecutiveErrors;
    private @Nullable Measurement last;
    private @Nullable AnalysisPhase phase;
    private String reason = "";

    MetricState(MetricCheck check) {
        this.check = check;
    }

    /** Counts {@code m} and decides the phase if a rule now applies. */
    void add(Measurement m) {
        switch (m.phase()) {
            case SUCCESSFUL -> successful++;
            case FAILED -> failed++;
            case INCONCLUSIVE -> inconclusive++;
            case ERROR -> errors++;
        }
        consecutiveErrors =
                m.phase() == dev.scaleplane.api.deployments.analysis.MeasurementPhase.ERROR ? consecutiveErrors + 1 : 0;
        last = m;
        if (phase == null) {
            decide();
        }
    }

    private void decide() {
        if (failed > check.failureLimit()) {
            phase = AnalysisPhase.FAILED;
            reason = measurements(failed, "failed") + " exceed" + (failed == 1 ? "s" : "") + " failureLimit "
                    + check.failureLimit() + lastOne();
        } else if (inconclusive > check.inconclusiveLimit()) {
            phase = AnalysisPhase.INCONCLUSIVE;
            reason = measurements(inconclusive, "inconclusive") + " exceed" + (inconclusive == 1 ? "s" : "")
                    + " inconclusiveLimit " + check.inconclusiveLimit() + lastOne();
        } else if (consecutiveErrors > check.consecutiveErrorLimit()) {
            phase = AnalysisPhase.ERROR;
            reason = consecutiveErrors + " consecutive error" + (consecutiveErrors == 1 ? "" : "s") + " exceed"
                    + (consecutiveErrors == 1 ? "s" : "") + " consecutiveErrorLimit " + check.consecutiveErrorLimit()
                    + lastOne();
        } else if (measured() >= check.count()) {
            phase = AnalysisPhase.SUCCESSFUL;
            reason = measured() + " of count " + check.count() + " measurements taken within the limits" + tallies();
        }
    }

    /** The decided phase; null while the metric runs. */
    @Nullable
    AnalysisPhase phase() {
        return phase;
    }

    /** Why the metric has its decided phase, naming the limit exceeded; the tallies while it runs. */
    String reason() {
        return phase != null ? reason : measured() + " of count " + check.count() + " measurements taken" + tallies();
    }

    /** The last measurement, if any. */
    @Nullable
    Measurement last() {
        return last;
    }

    MetricCheck check() {
        return check;
    }

    /** The metric's result; an undecided metric is inconclusive, with {@code whyUnfinished} before its tallies. */
    MetricResult result(String whyUnfinished) {
        AnalysisPhase p = phase != null ? phase : AnalysisPhase.INCONCLUSIVE;
        String message = phase != null ? reason : whyUnfinished + ": " + reason();
        return new MetricResult(check.name(), p, successful, failed, inconclusive, errors, consecutiveErrors, message);
    }

    private int measured() {
        return successful + failed + inconclusive;
    }

    private String tallies() {
        return " (" + successful + " successful, " + failed + " failed, " + inconclusive + " inconclusive, " + errors
                + " error" + (errors == 1 ? "" : "s") + ")";
    }

    private String lastOne() {
        return last == null ? "" : " (last: " + last.message() + ")";
    }

    private static String measurements(int n, String kind) {
        return n + " " + kind + " measurement" + (n == 1 ? "" : "s");
    }
}
