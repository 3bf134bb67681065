package dev.scaleplane.api.deployments.analysis;

/**
 * The outcome of a metric or of a whole analysis run. Worst first: {@link #FAILED}, {@link #ERROR}, {@link
 * #INCONCLUSIVE}, {@link #SUCCESSFUL}; a run takes its worst metric's phase.
 */
public enum AnalysisPhase {
    /** Every metric reached its count within its limits. */
    SUCCESSFUL,
    /** More measurements failed than a metric's failure limit: the deployment should roll back. */
    FAILED,
    /**
     * More measurements were inconclusive than a metric's limit, or the run was cancelled (or ended by another
     * metric) before the metric finished: a human decides, as an Argo Rollouts rollout pauses.
     */
    INCONCLUSIVE,
    /** More errors came in a row than a metric's consecutive-error limit: the analysis could not be done. */
    ERROR;

    /** Whether this phase is worse than {@code other}: FAILED, then ERROR, then INCONCLUSIVE, then SUCCESSFUL. */
    public boolean worseThan(AnalysisPhase other) {
        return severity() > other.severity();
    }

    private int severity() {
        return switch (this) {
            case SUCCESSFUL -> 0;
            case INCONCLUSIVE -> 1;
            case ERROR -> 2;
            case FAILED -> 3;
        };
    }
}
