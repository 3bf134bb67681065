package dev.scaleplane.api.orchestration.scaling;

/**
 * What an autoscaler changes: the number of workers of one pool. The built-in actuator of {@code scaleplane-core}
 * ({@code dev.scaleplane.core.orchestration.scaling.WorkerPool}) registers and drains workers of an orchestrator in
 * this process; an external one may, for example, patch the replicas of a Deployment through the federation layer, or
 * call a cloud's instance-group API.
 *
 * <p>Contract: the autoscaler calls both methods from one thread at a time, once per evaluation:
 * {@link #currentWorkers()} first, then {@link #scale(int, ScalingDecision)} only when the decided count differs.
 * Implementations must be thread-safe towards their other users.
 */
public interface ScalingActuator {

    /**
     * The workers the pool has now that take new work: workers being drained do not count. An external actuator
     * reports what it last observed (for a Deployment, {@code spec.replicas}).
     *
     * @return {@code >= 0}
     */
    int currentWorkers();

    /**
     * Brings the pool to {@code workers}. Returns once the change is accepted; it may complete later (pods start,
     * drained workers finish their tasks within the policy's drain timeout). A worker removed must take no new task
     * and must finish or hand back what it holds.
     *
     * @param workers the count decided, within the policy's bounds
     * @param decision why, for logs and annotations
     * @throws RuntimeException if the change was not accepted; the autoscaler records the failure, counts no change
     *     and tries again at the next evaluation
     */
    void scale(int workers, ScalingDecision decision);
}
