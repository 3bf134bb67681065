package dev.scaleplane.core.internal.deploy;

/**
 * The step kinds of a deployment's stream. Each is stored as an event of type {@code PREFIX + kind} with a map as
 * data, so the audit trail reads without Scaleplane's classes.
 */
final class Steps {
    static final String PREFIX = "dev.scaleplane.deployment.step.";

    static final String REQUESTED = "requested";
    static final String REFUSED = "refused";
    static final String ADMITTED = "admitted";
    static final String QUEUED = "queued";
    static final String CI_TRIGGERED = "ci-triggered";
    static final String CI_COMPLETED = "ci-completed";
    static final String PLACED = "placed";
    static final String WAVE_STARTED = "wave-started";
    static final String CLUSTER_APPLYING = "cluster-applying";
    static final String CLUSTER_APPLIED = "cluster-applied";
    static final String CLUSTER_READY = "cluster-ready";
    static final String CLUSTER_FAILED = "cluster-failed";
    static final String CLUSTER_REPLACED = "cluster-replaced";
    static final String WAVE_READY = "wave-ready";
    static final String ANALYSIS_MEASUREMENT = "analysis-measurement";
    static final String ANALYSIS_COMPLETED = "analysis-completed";
    static final String WAVE_COMPLETED = "wave-completed";
    static final String PAUSED = "paused";
    static final String RESUMED = "resumed";
    static final String PROMOTED = "promoted";
    static final String ABORTED = "aborted";
    static final String ROLLBACK_STARTED = "rollback-started";
    static final String CLUSTER_ROLLED_BACK = "cluster-rolled-back";
    static final String ROLLED_BACK = "rolled-back";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String NOTIFIED = "notified";

    /** Index stream kinds. */
    static final String INDEX_REQUESTED = PREFIX + "index.requested";

    static final String INDEX_FINISHED = PREFIX + "index.finished";

    /** An application's revisions: what each completed deployment left on which clusters. */
    static final String REVISION = PREFIX + "revision";

    static String type(String kind) {
        return PREFIX + kind;
    }

    static String kind(String type) {
        return type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : type;
    }

    static String revisionStream(String application) {
        return "deployment-app-" + application;
    }

    private Steps() {}
}
