package dev.scaleplane.benchmarks.orchestration;

/**
 * A job scheduler measured against Scaleplane in {@link TaskThroughputBenchmark}: submits one no-op job at a time and
 * tells when a batch of them is known completed. Implementations document their settings and what "known completed"
 * means for them.
 */
interface SchedulerPeer extends AutoCloseable {

    /** Announces a batch of {@code jobs} jobs before the first of them is submitted. */
    void expect(int jobs);

    /** Submits one no-op job. */
    void submit() throws Exception;

    /**
     * Waits until every job of the announced batch is known completed.
     *
     * @throws java.util.concurrent.TimeoutException if they were not within {@code seconds}
     */
    void await(long seconds) throws Exception;
}
