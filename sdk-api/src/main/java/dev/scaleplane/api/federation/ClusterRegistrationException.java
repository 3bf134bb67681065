package dev.scaleplane.api.federation;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * A cluster cannot be registered or updated: a duplicate name, an unknown kubeconfig context, an unreadable
 * kubeconfig, an invalid field. The message names the cluster, the field, the value (never a credential) and the fix.
 */
public final class ClusterRegistrationException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String cluster;
    private final String field;
    private final String problem;

    /** Creates the exception. */
    public ClusterRegistrationException(String cluster, String field, String problem, @Nullable Throwable cause) {
        super("cluster " + cluster + ": " + field + ": " + problem, cause);
        this.cluster = cluster;
        this.field = field;
        this.problem = problem;
    }

    /** The cluster name. */
    public String cluster() {
        return cluster;
    }

    /** The field at fault, e.g. {@code name} or {@code credentials.context}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, and how to fix it: the message without the cluster and the field. */
    public String problem() {
        return problem;
    }
}
