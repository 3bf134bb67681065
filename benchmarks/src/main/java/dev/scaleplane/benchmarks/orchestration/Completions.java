package dev.scaleplane.benchmarks.orchestration;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Counts the completion signals of one batch of peer jobs and lets the benchmark thread wait for all of them: the
 * peers' equivalent of waiting for every Scaleplane handle's future. A batch is announced with {@link #expect} before
 * its first job is submitted, so no signal of it can be missed.
 *
 * <p>Thread-safe: {@link #completed()} is called from the peers' own threads.
 */
final class Completions {
    private volatile CountDownLatch batch = new CountDownLatch(0);

    /** Starts a batch of {@code jobs} completions; the previous batch must have completed. */
    void expect(int jobs) {
        batch = new CountDownLatch(jobs);
    }

    /** One job of the current batch is known completed. */
    void completed() {
        batch.countDown();
    }

    /**
     * Waits until every job of the current batch completed.
     *
     * @throws TimeoutException if they did not within {@code seconds}: a lost job fails the run rather than hang it
     */
    void await(long seconds) throws InterruptedException, TimeoutException {
        CountDownLatch b = batch;
        if (!b.await(seconds, TimeUnit.SECONDS)) {
            throw new TimeoutException(b.getCount() + " jobs of the batch did not complete within " + seconds + " s");
        }
    }
}
