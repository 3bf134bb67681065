package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue's and the orchestrator's meters, on virtual time so every duration is exact. */
class TaskMetricsTest {

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualExecutor manual = new ManualExecutor();
    private final InMemoryTaskQueue queue = new InMemoryTaskQueue(
            TaskQueueOptions.builder()
                    .retryPolicy(RetryPolicy.builder()
                            .fixed(Duration.ofSeconds(1))
                            .jitter(0)
                            .maxAttempts(2)
                            .build())
                    .build(),
            clock,
            () -> 0.5,
            registry);

    @AfterEach
    void close() {
        queue.close();
    }

    private Orchestrator orchestrator() {
        return Orchestrator.builder(queue)
                .clock(clock)
                .executor(manual)
                .name("orch-1")
                .visibilityTimeout(Duration.ofSeconds(5))
                .heartbeatInterval(Duration.ofSeconds(1))
                .meterRegistry(registry)
                .build();
    }

    private double counter(String name, String... tags) {
        FunctionCounter c = registry.find(name).tags(tags).functionCounter();
        assertThat(c).as("counter %s %s", name, String.join(",", tags)).isNotNull();
        return c.count();
    }

    private double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertThat(g).as("gauge %s %s", name, String.join(",", tags)).isNotNull();
        return g.value();
    }

    /** The timer's published percentiles, in milliseconds, by percentile. */
    private static Map<Double, Double> percentilesMillis(Timer timer) {
        Map<Double, Double> byPercentile = new TreeMap<>();
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            byPercentile.put(v.percentile(), v.value(TimeUnit.MILLISECONDS));
        }
        return byPercentile;
    }

    @Test
    void queueAndWorkerMetersFollowEveryStepOfATasksLife() {
        try (Orchestrator o = orchestrator()) {
            o.register(WorkerSpec.of("w1", 4), task -> {
                if (task.payload(String.class).equals("bad")) {
                    throw new IllegalStateException("boom");
                }
                return "ok";
            });
            queue.submit(TaskRequest.of("deploy", "good"));
            queue.submit(TaskRequest.of("deploy", "bad"));
            clock.advance(Duration.ofMillis(200)); // both wait 200 ms before their first lease

            assertThat(gauge(TaskQueueMetrics.QUEUED, "backend", "memory")).isEqualTo(2);
            assertThat(o.dispatchOnce()).isEqualTo(2);
            assertThat(gauge(TaskQueueMetrics.QUEUED, "backend", "memory")).isZero();
            assertThat(gauge(TaskQueueMetrics.LEASED, "backend", "memory")).isEqualTo(2);
            assertThat(gauge(OrchestratorMetrics.IN_FLIGHT, "worker", "w1")).isEqualTo(2);
            assertThat(gauge(OrchestratorMetrics.UTILIZATION, "worker", "w1")).isEqualTo(0.5);
            assertThat(gauge(OrchestratorMetrics.SLOTS, "worker", "w1")).isEqualTo(4);
            assertThat(gauge(OrchestratorMetrics.HEALTHY, "worker", "w1")).isEqualTo(1);

            clock.advance(Duration.ofMillis(300)); // the handlers "run" 300 ms of virtual time
            manual.runAll(); // "good" succeeds, "bad" fails and is queued for its second attempt
            assertThat(counter(TaskQueueMetrics.SUBMITTED)).isEqualTo(2);
            assertThat(counter(TaskQueueMetrics.SUCCEEDED)).isEqualTo(1);
            assertThat(counter(TaskQueueMetrics.RETRIED)).isEqualTo(1);
            assertThat(gauge(TaskQueueMetrics.QUEUED, "backend", "memory")).isEqualTo(1);
            assertThat(gauge(TaskQueueMetrics.LEASED, "backend", "memory")).isZero();
            assertThat(gauge(OrchestratorMetrics.IN_FLIGHT, "worker", "w1")).isZero();

            clock.advance(Duration.ofSeconds(1)); // the retry delay
            assertThat(o.dispatchOnce()).isEqualTo(1);
            clock.advance(Duration.ofMillis(300));
            manual.runAll(); // the last attempt fails: dead letter
            assertThat(counter(
                            TaskQueueMetrics.DEAD_LETTERED, "reason", TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED.name()))
                    .isEqualTo(1);
            assertThat(counter(TaskQueueMetrics.DEAD_LETTERED, "reason", TaskDeadLetter.Reason.NON_RETRYABLE.name()))
                    .isZero();

            Timer wait = registry.find(TaskQueueMetrics.WAIT).timer();
            assertThat(wait.count()).isEqualTo(3);
            // 200 ms each for the first two leases; the retry became ready exactly when it was leased
            assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(400);
            assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(200);
            // two of the three waited 200 ms: p50 and above are 200 ms, within the histogram's precision
            assertThat(percentilesMillis(wait))
                    .containsOnlyKeys(0.5, 0.95, 0.99)
                    .allSatisfy((p, ms) -> assertThat(ms).isBetween(180.0, 220.0));

            assertThat(counter(OrchestratorMetrics.DISPATCHED, "orchestrator", "orch-1"))
                    .isEqualTo(3);
            assertThat(counter(OrchestratorMetrics.SUCCEEDED)).isEqualTo(1);
            assertThat(counter(OrchestratorMetrics.FAILED)).isEqualTo(2);
            assertThat(counter(OrchestratorMetrics.LEASE_LOST)).isZero();
            Timer execution = registry.find(OrchestratorMetrics.EXECUTION).timer();
            assertThat(execution.count()).isEqualTo(3);
            assertThat(execution.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(900);
            assertThat(execution.max(TimeUnit.MILLISECONDS)).isEqualTo(300);
            assertThat(percentilesMillis(execution))
                    .containsOnlyKeys(0.5, 0.95, 0.99)
                    .allSatisfy((p, ms) -> assertThat(ms).isBetween(270.0, 330.0));
            assertThat(counter(OrchestratorMetrics.BUSY, "worker", "w1")).isEqualTo(0.9);
        }
    }

    @Test
    void theWaitTimerCountsAndSumsEveryTaskNotASample() {
        for (int i = 1; i <= 40; i++) {
            queue.submit(TaskRequest.of("deploy", "t" + i));
            clock.advance(Duration.ofMillis(1));
        }
        // task i was submitted at i - 1 ms and is leased at 40 ms: it waited 41 - i ms, 1 to 40 ms in all
        assertThat(queue.lease("w1", 40, Duration.ofSeconds(30))).hasSize(40);

        Timer wait = registry.find(TaskQueueMetrics.WAIT).timer();
        assertThat(wait.count()).isEqualTo(40);
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(820);
        assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(percentilesMillis(wait))
                .hasEntrySatisfying(0.5, ms -> assertThat(ms).isBetween(18.0, 23.0));
    }

    @Test
    void aLapsedLeaseCountsOnBothSidesAndAClosedRegistrationRemovesTheWorkerMeters() {
        try (Orchestrator o = orchestrator()) {
            Orchestrator.Registration remote = o.registerRemote(WorkerSpec.of("far", 1), task -> "ok");
            queue.submit(TaskRequest.of("deploy", "x"));
            assertThat(o.dispatchOnce()).isEqualTo(1);
            // the remote worker never heartbeats: after 3 missed beats its lease is no longer extended and lapses
            clock.advance(Duration.ofSeconds(10));

            assertThat(gauge(OrchestratorMetrics.HEALTHY, "worker", "far")).isZero();
            assertThat(counter(TaskQueueMetrics.LEASE_EXPIRED)).isEqualTo(1);
            assertThat(counter(TaskQueueMetrics.RETRIED)).isEqualTo(1);
            assertThat(counter(OrchestratorMetrics.LEASE_LOST)).isEqualTo(1);

            remote.close();
            assertThat(registry.find(OrchestratorMetrics.IN_FLIGHT)
                            .tags("worker", "far")
                            .gauge())
                    .isNull();
            assertThat(registry.find(OrchestratorMetrics.BUSY)
                            .tags("worker", "far")
                            .functionCounter())
                    .isNull();
            manual.runAll();
        }
    }

    @Test
    void cancelledAndDeadlineFailedTasksAreCountedAndClosingTheQueueRemovesItsMeters() {
        queue.submit(TaskRequest.of("deploy", "x")).cancel();
        queue.submit(TaskRequest.builder("deploy", "y")
                .deadline(clock.now().plusSeconds(1))
                .build());
        clock.advance(Duration.ofSeconds(2));

        assertThat(counter(TaskQueueMetrics.CANCELLED)).isEqualTo(1);
        assertThat(counter(TaskQueueMetrics.FAILED)).isEqualTo(1);
        assertThat(gauge(TaskQueueMetrics.QUEUED, "backend", "memory")).isZero();

        queue.close();
        assertThat(registry.find(TaskQueueMetrics.SUBMITTED).functionCounter()).isNull();
        assertThat(registry.find(TaskQueueMetrics.QUEUED).gauge()).isNull();
    }
}
