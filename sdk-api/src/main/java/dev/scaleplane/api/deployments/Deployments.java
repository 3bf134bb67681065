package dev.scaleplane.api.deployments;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Deployments of applications across the fleet: a {@link DeploymentRequest} is recorded and announced as the
 * catalog's {@code DeploymentRequested}; the platform's deployment controller consumes it and rolls the version out
 * in waves (canary first), gated by readiness, soak time and analysis, rolling every changed cluster back when a
 * wave fails.
 *
 * <p>Each deployment is an event-sourced aggregate: every step is an event in the store stream
 * {@code deployment-<id>} ({@link #stream(String)}) and the state is rebuilt from it. A process that dies mid-rollout
 * resumes every unfinished deployment from its last recorded step when the next process opens
 * {@code platform.deployments()}: a cluster recorded as applied is not applied again, none is skipped.
 *
 * <p>Guard: a request is refused (phase {@link DeploymentPhase#REFUSED}, with the reason) when its application is
 * unknown or its SLOs' error-budget policy freezes the service (see {@code platform.slos().admit(...)}); it waits
 * (phase {@link DeploymentPhase#QUEUED}) while the service or the fleet has its maximum of deployments in progress
 * ({@code scaleplane.deployments.max-concurrent}, default 20, and
 * {@code scaleplane.deployments.max-concurrent-per-application}, default 1).
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface Deployments {
    /** The topic requests, progress and milestones are published on: {@value}. */
    String TOPIC = "deployments";

    /** The topic {@link DeploymentNotification}s are published on: {@value}. */
    String NOTIFICATIONS_TOPIC = "notifications";

    /** The stream that indexes every deployment requested and finished: {@value}. */
    String INDEX_STREAM = "deployments";

    /** The store stream of a deployment: {@code deployment-<id>}. */
    static String stream(String deploymentId) {
        return "deployment-" + deploymentId;
    }

    /**
     * Defines an application, or replaces the definition with the same name.
     *
     * @return the definition
     */
    Application define(Application application);

    /** The application defined under {@code name}. */
    Optional<Application> application(String name);

    /**
     * Requests a deployment: records it in its stream, then publishes {@code DeploymentRequested}. The same request
     * again (same id and content) returns the existing deployment's status and records nothing.
     *
     * @return the deployment's status when the request was recorded (phase {@link DeploymentPhase#REQUESTED}, or
     *     later for a repeated request)
     * @throws InvalidDeploymentException if the application is not defined, or its manifests fail for the version
     * @throws DeploymentConflictException if the id was requested before with different content
     * @throws dev.scaleplane.api.ScaleplaneException if the request cannot be recorded in the store
     */
    DeploymentStatus request(DeploymentRequest request);

    /** The deployment's status, rebuilt from its stream; empty if it was never requested. */
    Optional<DeploymentStatus> status(String deploymentId);

    /** Every deployment not yet finished, in request order. */
    List<DeploymentStatus> active();

    /**
     * Completes with the deployment's final status when it reaches a terminal phase (at once if it has).
     *
     * @throws UnknownDeploymentException if it was never requested
     */
    CompletableFuture<DeploymentStatus> whenFinished(String deploymentId);

    /**
     * Pauses a rollout: clusters being applied finish, nothing new starts until {@link #resume}. Recorded with
     * {@code actor}.
     *
     * @throws UnknownDeploymentException if the deployment is unknown or finished
     */
    DeploymentStatus pause(String deploymentId, String actor);

    /**
     * Resumes a paused rollout. Recorded with {@code actor}.
     *
     * @throws UnknownDeploymentException if the deployment is unknown or finished
     */
    DeploymentStatus resume(String deploymentId, String actor);

    /**
     * Promotes a rollout: the remaining analysis and soak times are skipped (readiness still gates each cluster).
     * Recorded with {@code actor}.
     *
     * @throws UnknownDeploymentException if the deployment is unknown or finished
     */
    DeploymentStatus promote(String deploymentId, String actor);

    /**
     * Aborts a rollout: every cluster already changed is rolled back and the deployment fails with {@code reason}.
     * Recorded with {@code actor}.
     *
     * @throws UnknownDeploymentException if the deployment is unknown or finished
     */
    DeploymentStatus abort(String deploymentId, String actor, String reason);

    /** Every status change of every deployment, as it is recorded. Subscribers must not block. */
    Flow.Publisher<DeploymentStatus> changes();
}
