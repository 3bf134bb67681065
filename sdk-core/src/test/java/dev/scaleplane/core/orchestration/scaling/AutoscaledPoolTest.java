package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingEvents;
import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.DispatchStrategies;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole loop on the platform's memory queue and virtual time: a burst scales a {@link WorkerPool} up, the backlog
 * drains, the pool scales back down through drains (some while
 * running tasks), and every task completes exactly once.
 */
class AutoscaledPoolTest {
    private static final Duration SERVICE_TIME = Duration.ofSeconds(20);

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final ScaleplanePlatform platform = Scaleplane.builder()
            .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
            .clock(clock.asClock())
            .taskClock(clock)
            .build();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void aBurstScalesThePoolUpAndBackDownWithoutLosingATask() {
        TaskQueue queue = platform.tasks();
        Map<String, Integer> runs = new HashMap<>();
        // Each handler takes SERVICE_TIME of virtual time: the executor runs it that much later on the clock.
        Orchestrator orchestrator = Orchestrator.builder(queue)
                .clock(clock)
                .executor(r -> clock.schedule(SERVICE_TIME, r))
                // Round robin spreads the trickle over every worker, the newest (removed first) included.
                .strategy(DispatchStrategies.roundRobin())
                .pollInterval(Duration.ofSeconds(1))
                .build();
        orchestrator.start();
        WorkerPool pool = WorkerPool.builder(orchestrator, task -> {
                    synchronized (runs) {
                        runs.merge(task.id(), 1, Integer::sum);
                    }
                    return task.payload(Integer.class);
                })
                .name("render")
                .slots(2)
                .build();
        ScalingPolicy policy = ScalingPolicy.builder()
                .workers(1, 10)
                .metrics(ScalingMetric.depth(10), ScalingMetric.oldestReadyAge(Duration.ofMinutes(5)))
                .build();
        Autoscaler autoscaler = Autoscaler.builder("render", pool)
                .queue(queue)
                .policy(policy)
                .clock(clock)
                .platform(platform)
                .build();
        autoscaler.start();

        List<ScalingDecision> decisions = new ArrayList<>();
        List<TaskHandle> handles = new ArrayList<>();
        List<Integer> workers = new ArrayList<>();
        List<Integer> draining = new ArrayList<>();
        for (int t = 0; t <= 3600; t += 15) {
            clock.advance(t == 0 ? Duration.ZERO : Duration.ofSeconds(15));
            decisions.add(autoscaler.lastDecision());
            workers.add(pool.currentWorkers());
            draining.add(pool.drainingWorkers());
            if (t == 60) {
                for (int i = 0; i < 400; i++) {
                    handles.add(queue.submit(TaskRequest.of("render", i)));
                }
            }
            // A trickle on top, so that workers are removed while they run tasks.
            if (t >= 60 && t < 3000) {
                handles.add(queue.submit(TaskRequest.of("render", -t)));
            }
        }

        // Up: the burst is submitted after the evaluation at 60, seen from 75, so the 60 s window opens at 120:
        // 1 -> 2 -> 4 -> 8 -> 10 (the max), 15 s apart.
        assertThat(workers.subList(0, 13)).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10);
        assertThat(decisions.get(8).reason()).isEqualTo(ScalingDecision.Reason.SCALE_UP_LIMITED);
        assertThat(decisions.get(8).oldestReadyAge())
                .as("the memory queue observes the age")
                .isNotNull();
        // Down: back to the minimum once the backlog is gone, never flapping.
        assertThat(workers.get(workers.size() - 1)).isEqualTo(1);
        assertThat(workers).contains(10);
        Flapping.assertNone(decisions, policy);

        // Every task completed exactly once; drained workers lost nothing.
        assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(draining)
                .as("some workers were removed while running a task")
                .anyMatch(n -> n > 0);
        assertThat(runs)
                .hasSize(handles.size())
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(queue.size()).isZero();
        assertThat(queue.deadLetters().list(10)).isEmpty();
        assertThat(pool.drainingWorkers()).isZero();
        assertThat(orchestrator.workers()).hasSize(1);

        // Every change is in the store, with its inputs; repeated holds are recorded once.
        List<ScalingDecision> recorded =
                platform.store().readStream(ScalingEvents.stream("render"), ReadDirection.FORWARD, 0, 10_000).stream()
                        .map(r -> (ScalingDecision) r.event().data())
                        .toList();
        List<ScalingDecision> changes =
                decisions.stream().filter(ScalingDecision::changes).toList();
        assertThat(recorded.stream().filter(ScalingDecision::changes).toList()).isEqualTo(changes);
        assertThat(recorded.size()).isLessThan(decisions.size() / 2);
        for (int i = 1; i < recorded.size(); i++) {
            ScalingDecision before = recorded.get(i - 1);
            ScalingDecision d = recorded.get(i);
            assertThat(d.changes() || d.reason() != before.reason() || d.desiredWorkers() != before.desiredWorkers())
                    .as("recorded %s after %s", d, before)
                    .isTrue();
        }
        assertThat(recorded.get(0).readings())
                .extracting(ScalingDecision.MetricReading::metric)
                .containsExactly("depth", "oldest-ready-age");

        autoscaler.close();
        pool.close();
        orchestrator.close();
    }
}
