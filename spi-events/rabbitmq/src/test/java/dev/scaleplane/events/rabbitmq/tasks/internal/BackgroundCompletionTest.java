package dev.scaleplane.events.rabbitmq.tasks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A completion recorded by background work is run by whichever thread leaves the monitor first: a caller that takes
 * the monitor right after the worker thread released it, before the worker ran the completions, must not see a task
 * finished whose future is still incomplete (the kit's randomized scenarios saw "completions 0" that way).
 */
class BackgroundCompletionTest {
    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perTest();

    @Test
    void aCallerFindsTheFutureOfATaskTheWorkerDeadLetteredComplete() throws Exception {
        VirtualTaskClock clock = new VirtualTaskClock();
        RabbitTaskQueueConfig config = RabbitTaskQueueConfig.from(
                ScaleplaneProperties.of(vhost.taskQueueSettings(SharedRabbit.uniqueName("race"))));
        CountDownLatch workerReleased = new CountDownLatch(1);
        CountDownLatch letWorkerGo = new CountDownLatch(1);
        try (RabbitTaskQueue q = new RabbitTaskQueue(config, TaskQueueOptions.defaults(), clock, () -> 0.5)) {
            TaskHandle h =
                    q.submit(TaskRequest.builder("job", "p").maxAttempts(1).build());
            List<Lease> leases = q.lease("crashing", 1, Duration.ofSeconds(30));
            assertThat(leases).hasSize(1);
            q.afterTimerWork(() -> {
                workerReleased.countDown();
                try {
                    letWorkerGo.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                // The lease lapses on its last attempt: the worker thread dead-letters the task under the monitor,
                // releases it and stops right there, before running the completions it recorded.
                clock.advance(Duration.ofSeconds(30));
                assertThat(workerReleased.await(60, TimeUnit.SECONDS))
                        .as("the worker thread ran the lapse")
                        .isTrue();

                assertThat(q.size()).isZero();
                assertThat(q.state(h.id())).contains(TaskState.DEAD_LETTERED);
                assertThat(h.result())
                        .as("the future of a task this caller sees dead-lettered")
                        .isCompletedExceptionally()
                        .failsWithin(Duration.ZERO)
                        .withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(TaskFailedException.class);
            } finally {
                letWorkerGo.countDown();
            }
        }
    }
}
