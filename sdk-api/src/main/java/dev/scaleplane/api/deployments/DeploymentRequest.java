package dev.scaleplane.api.deployments;

import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.slo.FreezeFlag;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request to deploy a version of an application. Requests are idempotent by {@link #deploymentId()}.
 *
 * @param deploymentId unique id, 1-100 of A-Z a-z 0-9 . _ -, e.g. {@code checkout-1.4.2-7f3c}; names the stream
 *     {@code deployment-<id>}
 * @param application the name of an application {@linkplain Deployments#define(Application) defined} on the platform
 * @param version the version, e.g. {@code 1.4.2}: no whitespace
 * @param environment the environment, e.g. {@code production}
 * @param clusters clusters to deploy to instead of the application's placement; empty to place
 * @param requestedBy who asked, recorded in the stream
 * @param flag {@link FreezeFlag#EMERGENCY} or {@link FreezeFlag#SECURITY_FIX} to pass an error-budget freeze
 * @param flaggedBy who set the flag; required with a flag
 * @param justification why the flag is set, recorded with it
 */
public record DeploymentRequest(
        String deploymentId,
        String application,
        String version,
        String environment,
        List<String> clusters,
        String requestedBy,
        FreezeFlag flag,
        @Nullable String flaggedBy,
        @Nullable String justification) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern VERSION = Pattern.compile("\\S{1,128}");

    /**
     * Validates every field.
     *
     * @throws InvalidDeploymentException naming the field, the value and what is valid
     */
    public DeploymentRequest {
        if (deploymentId == null || !ID.matcher(deploymentId).matches()) {
            throw new InvalidDeploymentException(
                    "deploymentId", deploymentId, "1-100 of A-Z a-z 0-9 . _ -, e.g. checkout-1.4.2-7f3c");
        }
        if (application == null || application.isBlank()) {
            throw new InvalidDeploymentException("application", application, "the name of a defined application");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new InvalidDeploymentException("version", version, "1-128 characters without whitespace");
        }
        if (environment == null || environment.isBlank()) {
            throw new InvalidDeploymentException("environment", environment, "a name such as production");
        }
        clusters = List.copyOf(Objects.requireNonNull(clusters, "clusters"));
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new InvalidDeploymentException("requestedBy", requestedBy, "who asks for the deployment");
        }
        Objects.requireNonNull(flag, "flag");
        if (flag != FreezeFlag.NONE && (flaggedBy == null || flaggedBy.isBlank())) {
            throw new InvalidDeploymentException(
                    "flaggedBy", flaggedBy, "the person who set flag " + flag + " (required with a flag)");
        }
    }

    /** A request to place and deploy {@code version} of {@code application} to production. */
    public static DeploymentRequest of(String deploymentId, String application, String version, String requestedBy) {
        return new DeploymentRequest(
                deploymentId, application, version, "production", List.of(), requestedBy, FreezeFlag.NONE, null, null);
    }

    /** This request with a freeze flag set by {@code flaggedBy}. */
    public DeploymentRequest flagged(FreezeFlag flag, String flaggedBy, @Nullable String justification) {
        return new DeploymentRequest(
                deploymentId, application, version, environment, clusters, requestedBy, flag, flaggedBy, justification);
    }

    /** This request to explicit clusters instead of placement. */
    public DeploymentRequest toClusters(List<String> clusters) {
        return new DeploymentRequest(
                deploymentId, application, version, environment, clusters, requestedBy, flag, flaggedBy, justification);
    }

    /** The catalog event that announces this request on the bus. */
    public DeploymentRequested toEvent() {
        return new DeploymentRequested(deploymentId, application, version, environment, clusters, requestedBy);
    }
}
