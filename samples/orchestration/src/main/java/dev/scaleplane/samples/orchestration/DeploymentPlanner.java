package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscription group {@code planner}: turns each {@link DeploymentRequested} into one task per target cluster on the
 * platform's task queue.
 *
 * <p>Each task's idempotency key is {@code deploymentId/cluster}, so an event the bus delivers twice (delivery is at
 * least once) does not roll a cluster out twice: the second submission gets the first task's handle. Production
 * rollouts go first ({@link TaskPriority#HIGH}). Tasks carry the event's id as correlation id and its tenant; how
 * often a failed rollout is retried is the queue's retry policy for the task type.
 *
 * <p>Called on a bus thread; the handles are kept under this object's lock and read by the sample's thread.
 */
final class DeploymentPlanner implements EventHandler<DeploymentRequested> {

    private final TaskQueue tasks;
    private final Map<String, TaskHandle> handles = new LinkedHashMap<>();
    private final Map<String, ClusterDeployment> deployments = new LinkedHashMap<>();
    private int eventsHandled;

    DeploymentPlanner(TaskQueue tasks) {
        this.tasks = tasks;
    }

    @Override
    public void handle(Event<DeploymentRequested> event) {
        DeploymentRequested request = event.data();
        List<ClusterDeployment> planned = new ArrayList<>();
        for (String cluster : request.clusters()) {
            planned.add(new ClusterDeployment(
                    request.deploymentId(), request.application(), request.version(), request.environment(), cluster));
        }
        for (ClusterDeployment d : planned) {
            TaskRequest task = TaskRequest.builder(ClusterDeployment.TASK_TYPE, d)
                    .priority("prod".equals(d.environment()) ? TaskPriority.HIGH : TaskPriority.NORMAL)
                    .idempotencyKey(d.key())
                    .correlationId(event.id())
                    .tenant(event.tenant())
                    .build();
            // A full queue throws QueueFullException: the event is then retried by the bus, nothing is lost.
            TaskHandle handle = tasks.submit(task);
            synchronized (this) {
                handles.put(d.key(), handle);
                deployments.put(d.key(), d);
            }
        }
        synchronized (this) {
            eventsHandled++;
        }
    }

    /** Events handled so far. */
    synchronized int eventsHandled() {
        return eventsHandled;
    }

    /** The handle of every planned cluster deployment, by {@code deploymentId/cluster}, in planning order. */
    synchronized Map<String, TaskHandle> handles() {
        return new LinkedHashMap<>(handles);
    }

    /** Every planned cluster deployment, by {@code deploymentId/cluster}, in planning order. */
    synchronized Map<String, ClusterDeployment> deployments() {
        return new LinkedHashMap<>(deployments);
    }
}
