package dev.scaleplane.tck;

import dev.scaleplane.api.adapters.ci.CiStatus;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The CI system behind an adapter under {@link CiAdapterCompatibilityKit}, as the kit acts on it: a local simulation
 * that answers with the vendor's documented requests and responses (WireMock stubs, a stateful fake), never the real
 * SaaS. The kit moves runs through their states behind the adapter's back and makes the system fail the next call.
 *
 * <p>Run ids are always the ids the adapter handed out ({@link dev.scaleplane.api.adapters.ci.CiRun#id()}), so that
 * a simulation may keep its own numbering (a Jenkins queue item that becomes a build, a GitHub run inside {@code
 * owner/repo}). Implementations must be thread-safe: the adapter polls from its own threads while the kit acts.
 */
public interface CiSimulation {

    /** Forgets every run and fault; called before each test. */
    void reset();

    /**
     * Puts the run into the system's own state {@code vendorState}, spelled as in the keys of {@link
     * CiAdapterCompatibilityKit#vendorStates()} (e.g. {@code in_progress} or {@code completed/timed_out} for GitHub).
     */
    void setState(String runId, String vendorState);

    /** Starts the run (the system's running state). */
    void startRun(String runId);

    /**
     * Ends the run with {@code outcome} ({@link CiStatus#SUCCEEDED}, {@link CiStatus#FAILED} or {@link
     * CiStatus#CANCELLED}), in the system's most usual state for it.
     */
    void finishRun(String runId, CiStatus outcome);

    /** Ends the run unsuccessfully. */
    default void failRun(String runId) {
        finishRun(runId, CiStatus.FAILED);
    }

    /**
     * Leaves the run running for the next {@code reads} reads of it by the adapter, then ends it with {@code outcome}:
     * lets the kit test polling without sleeping or racing the adapter's threads.
     */
    void finishAfterReads(String runId, int reads, CiStatus outcome);

    /** The inputs, variables or parameters the run received. */
    Map<String, String> inputsOf(String runId);

    /** Whether the adapter asked the system to cancel the run. */
    boolean cancelRequested(String runId);

    /**
     * Adds {@code count} finished runs of {@code pipeline}, created one after another (each later than the previous),
     * for listing tests.
     */
    void seedRuns(String pipeline, int count);

    /**
     * Makes the system answer the next request, whatever it is, with {@code status} and the vendor's error body for it
     * (and {@code Retry-After: <seconds>} when {@code retryAfter} is not null); later requests are served normally.
     */
    void failNext(int status, @Nullable Duration retryAfter);

    /** How many HTTP requests the adapter has made since the last {@link #reset()}. */
    int requestCount();

    /** The credential the adapter under test uses, so the kit can check that no message shows it. */
    String credential();
}
