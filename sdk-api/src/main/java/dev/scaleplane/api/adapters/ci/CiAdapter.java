package dev.scaleplane.api.adapters.ci;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One CI system instance (a GitHub organisation's Actions, a GitLab server, a Jenkins controller).
 *
 * <p>Thread-safe. Calls go through the adapter plumbing: authentication, the rate-limit governor of the instance's
 * credential, retries only where repeating is safe, and a circuit breaker. Failures are
 * {@link dev.scaleplane.api.adapters.AdapterException}s carrying the system, the request and the server's message,
 * never a credential.
 */
public interface CiAdapter extends AutoCloseable {

    /** The instance name, as configured ({@code scaleplane.adapters.<name>.*}). */
    String name();

    /** The system, e.g. {@code github}, {@code gitlab}, {@code jenkins}. */
    String system();

    /**
     * Starts a run and returns it as soon as the system has accepted it (possibly {@link CiStatus#QUEUED}, with a
     * queue id the adapter later resolves to the run).
     *
     * @throws dev.scaleplane.api.adapters.AdapterException if the system refuses or cannot be reached
     */
    CiRun trigger(CiTrigger trigger);

    /**
     * The run as the system reports it now.
     *
     * @throws dev.scaleplane.api.adapters.AdapterException (not found, unreachable, ...)
     */
    CiRun status(String runId);

    /**
     * Completes with the run once it has ended ({@link CiStatus#terminal()}), polling with backoff and jitter within
     * the instance's rate budget; completes exceptionally with a {@link java.util.concurrent.TimeoutException} after
     * {@code timeout}, or with the adapter's exception if the run cannot be read. Cancelling the future stops polling.
     */
    CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout);

    /**
     * Asks the system to cancel the run; returns its status after the request (cancelling may take a moment).
     *
     * @throws dev.scaleplane.api.adapters.AdapterException if the system refuses or cannot be reached
     */
    CiRun cancel(String runId);

    /**
     * Recent runs of a pipeline, newest first, fetched lazily page by page as the stream is consumed.
     *
     * @param pipeline as in {@link CiTrigger#pipeline()}
     */
    Stream<CiRun> runs(String pipeline);

    /** Releases the instance's connections. The platform calls it when it closes. Default: nothing to release. */
    @Override
    default void close() {}
}
