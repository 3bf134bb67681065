package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import java.util.concurrent.CompletableFuture;

/** A started analysis run ({@link AnalysisRunner#start}). Thread-safe. */
public interface AnalysisRun {

    /**
     * Completes with the run's result when every metric has finished, when one fails or errs (the others are then
     * stopped), or when the run is {@linkplain #cancel() cancelled}. Completes exceptionally with a {@link
     * dev.scaleplane.api.ScaleplaneException} when the measurement callback threw (the run stops there, so that
     * nothing is measured that was not recorded) or the executor refused a measurement. Completing or cancelling the
     * returned future has no effect on the run.
     */
    CompletableFuture<AnalysisResult> result();

    /**
     * Stops the run: no measurement is taken or reported after this returns, and the result is {@link
     * dev.scaleplane.api.deployments.analysis.AnalysisPhase#INCONCLUSIVE} with the message "analysis cancelled ...".
     * Waits for a measurement callback in progress to return (a callback may itself call cancel). No effect on a
     * finished run. Idempotent.
     */
    void cancel();
}
