package dev.scaleplane.docs;

import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.orchestration.DispatchStrategies;
import dev.scaleplane.core.orchestration.HealthPolicy;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.docs.TaskSubmissionExample.DeployCommand;
import java.util.Map;

/** The README's orchestrator example: a worker, registered with a dispatch strategy, runs the queue's deploy tasks. */
public final class OrchestratorExample {

    private OrchestratorExample() {}

    // tag::readme[]
    public static Orchestrator startWorkers(ScaleplanePlatform platform) {
        Orchestrator o = Orchestrator.builder(platform.tasks())
                .strategy(DispatchStrategies.healthBased(HealthPolicy.defaults())
                        .then(DispatchStrategies.capacityAware()))
                .meterRegistry(platform.meterRegistry())
                .build();
        o.register(WorkerSpec.of("eu-1", 8).withWeight(3).withLabels(Map.of("region", "eu")), task -> deploy(task));
        o.start();
        return o; // close() stops dispatching and lets running handlers finish
    }

    /** Runs one attempt: the value returned completes the task's handle, an exception fails the attempt. */
    static String deploy(Task task) {
        DeployCommand command = task.payload(DeployCommand.class);
        return command.application() + " on " + command.cluster();
    }
    // end::readme[]
}
