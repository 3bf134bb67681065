package dev.scaleplane.api.deployments;

/**
 * The names of the Micrometer meters the deployment controller registers on the platform's meter registry (seed
 * 000's scaling metrics). Rates such as deployments per second are the registry's rate of the counters.
 */
public final class DeploymentMeters {
    /** Counter of finished deployments, tag {@code outcome} = completed, failed or refused: {@value}. */
    public static final String FINISHED = "scaleplane.deployments.finished";

    /** Gauge of deployments finished in the trailing hour: {@value}. */
    public static final String PER_HOUR = "scaleplane.deployments.per.hour";

    /** Timer of deployment durations, first wave to completion, with p50, p95 and p99 published: {@value}. */
    public static final String DURATION = "scaleplane.deployments.duration";

    /** Gauge of deployments in progress: {@value}. */
    public static final String ACTIVE = "scaleplane.deployments.active";

    /** Gauge of the most deployments that were in progress at once since the controller started: {@value}. */
    public static final String ACTIVE_MAX = "scaleplane.deployments.active.max";

    /** Counter of deployment steps recorded, for events processed per second: {@value}. */
    public static final String STEPS = "scaleplane.deployments.steps";

    /** Timer of the controller's own time per cluster apply (recording and queueing, not the cluster): {@value}. */
    public static final String APPLY_OVERHEAD = "scaleplane.deployments.apply.overhead";

    /**
     * Gauge per cluster and resource ({@code cpu}, {@code memory}, {@code pods}) of requested ÷ allocatable, from
     * the fleet's capacity reports: {@value}.
     */
    public static final String CLUSTER_UTILIZATION = "scaleplane.cluster.utilization";

    /** Timer from a cluster failing in a rollout to its replacement cluster being ready: {@value}. */
    public static final String FAILURE_RECOVERY = "scaleplane.deployments.failure.recovery";

    private DeploymentMeters() {}
}
