package dev.scaleplane.docs;

import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.core.orchestration.TaskHandler;
import dev.scaleplane.core.orchestration.scaling.Autoscaler;
import dev.scaleplane.core.orchestration.scaling.WorkerPool;

/** The README's autoscaler example: a pool of render workers sized from the task queue's backlog. */
public final class AutoscalerExample {

    private AutoscalerExample() {}

    // tag::readme[]
    public static Autoscaler scaleRenderWorkers(ScaleplanePlatform platform, TaskHandler render) {
        Orchestrator orchestrator = Orchestrator.builder(platform.tasks()).build();
        orchestrator.start();
        WorkerPool pool =
                WorkerPool.builder(orchestrator, render).name("render").slots(4).build();
        Autoscaler autoscaler = Autoscaler.builder("render", pool)
                .queue(platform.tasks())
                .policy(ScalingPolicy.builder()
                        .workers(1, 20)
                        .metrics(ScalingMetric.depth(10))
                        .build())
                .platform(platform) // decisions recorded in stream scaling-render, published on topic scaling
                .build();
        autoscaler.start();
        return autoscaler;
    }
    // end::readme[]
}
