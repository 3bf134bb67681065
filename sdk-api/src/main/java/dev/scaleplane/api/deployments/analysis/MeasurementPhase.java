package dev.scaleplane.api.deployments.analysis;

/** The outcome of one measurement; see {@link MetricCheck#judge(double)}. */
public enum MeasurementPhase {
    /** The value met the success condition (or, with only a failure condition, did not meet it). */
    SUCCESSFUL,
    /** The value met the failure condition (or, with only a success condition, did not meet it). */
    FAILED,
    /** With both conditions given, the value met neither. */
    INCONCLUSIVE,
    /**
     * No value: the source could not be read (the system failed or refused the query, the adapter is unknown), the
     * query selected no sample or several, the value was {@code NaN}, or a ratio of events had no event.
     */
    ERROR
}
