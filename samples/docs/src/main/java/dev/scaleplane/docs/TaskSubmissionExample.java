package dev.scaleplane.docs;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.ScaleplanePlatform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The README's task queue example: submit a task with a priority, a key and an idempotency key. */
public final class TaskSubmissionExample {

    private TaskSubmissionExample() {}

    // tag::readme[]
    private static final Logger log = LoggerFactory.getLogger(TaskSubmissionExample.class);

    /** A task's payload: any value the platform's codec can encode (records are). */
    public record DeployCommand(String application, String cluster) {}

    public static TaskHandle submitDeploy(ScaleplanePlatform platform) {
        TaskQueue tasks = platform.tasks();
        TaskHandle h = tasks.submit(TaskRequest.builder("deploy", new DeployCommand("shop", "eu-west-1"))
                .priority(TaskPriority.HIGH)
                .key("cluster-eu-west-1")
                .idempotencyKey("deploy-shop-1.4.2")
                .build());
        h.result().thenAccept(r -> log.info("deployed: {}", r)); // or fails with the final TaskFailedException
        return h;
    }
    // end::readme[]
}
