package dev.scaleplane.events.rabbitmq.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue;
import dev.scaleplane.events.rabbitmq.testing.RabbitNode;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code DURABLE} against a broker restart, on a RabbitMQ node of the test's own (the machine's shared broker is
 * never stopped): queued, delayed, leased and dead-lettered tasks all survive a graceful stop and a {@code kill -9},
 * and the same queue instance reconnects by itself.
 */
class RabbitTaskQueueDurabilityTest {

    @Test
    void tasksLeasesAndDeadLettersSurviveABrokerRestartAndAKill() {
        try (RabbitNode node = RabbitNode.start()) {
            RabbitTaskQueueConfig config = RabbitTaskQueueConfig.from(ScaleplaneProperties.of(Map.of(
                    RabbitTaskQueueConfig.PORT, String.valueOf(node.amqpPort()),
                    RabbitTaskQueueConfig.QUEUE, "durable",
                    RabbitTaskQueueConfig.IDLE_POLL_INTERVAL, "0ms")));
            VirtualTaskClock clock = new VirtualTaskClock();
            try (RabbitTaskQueue q = new RabbitTaskQueue(
                    config, TaskQueueOptions.builder().capacity(10).build(), clock, () -> 0.5)) {
                TaskHandle queued = q.submit(TaskRequest.of("job", "queued"));
                TaskHandle leased = q.submit(TaskRequest.of("job", "leased"));
                TaskHandle dead = q.submit(
                        TaskRequest.builder("job", "dead").maxAttempts(1).build());
                TaskHandle delayed = q.submit(TaskRequest.builder("job", "delayed")
                        .notBefore(clock.now().plusSeconds(30))
                        .build());
                List<Lease> first = q.lease("w", 3, Duration.ofMinutes(1));
                assertThat(first).hasSize(3);
                Lease onLeased = null;
                for (Lease l : first) {
                    switch (l.task().payload(String.class)) {
                        case "dead" -> l.fail(new IllegalStateException("broken"));
                        case "leased" -> onLeased = l;
                        default -> l.complete("done before the restart");
                    }
                }
                assertThat(onLeased).isNotNull();
                assertThat(queued.result()).isCompletedWithValue("done before the restart");
                TaskHandle stillQueued = q.submit(TaskRequest.of("job", "still queued"));

                node.stop();
                assertThatThrownBy(() -> q.submit(TaskRequest.of("job", "during the outage")))
                        .isInstanceOf(ScaleplaneException.class)
                        .hasMessageContaining("RabbitMQ task queue durable");
                node.restart();

                Lease lost = onLeased;
                assertThatThrownBy(() -> lost.complete("too late")).isInstanceOf(LeaseLostException.class);
                List<String> again = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    q.lease("w", 5, Duration.ofMinutes(1)).forEach(l -> {
                        again.add(l.task().payload(String.class));
                        l.complete(null);
                    });
                    return again.size() >= 2;
                });
                assertThat(again).containsExactlyInAnyOrder("leased", "still queued");
                assertThat(q.deadLetters().find(dead.id())).hasValueSatisfying(dl -> assertThat(dl.reason())
                        .isEqualTo(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED));
                assertThat(q.size()).as("the delayed task is still unfinished").isEqualTo(1);

                // kill -9 loses what the broker had not yet written: a task acknowledged just before may come back
                // (at-least-once; this process drops copies of tasks it finished) and so may ledger tokens taken
                // just before (the bound over-counts), but nothing that was confirmed is lost.
                node.kill();
                node.restart();
                List<String> afterKill = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                    q.lease("w", 5, Duration.ofMinutes(1)).forEach(l -> {
                        afterKill.add(l.task().payload(String.class));
                        l.complete(null);
                    });
                    return q.size() >= 1;
                });
                assertThat(afterKill)
                        .as("finished tasks are not run again here, the delayed one waits")
                        .isEmpty();
                clock.advance(Duration.ofSeconds(30));
                Lease late = q.lease("w", 1, Duration.ofMinutes(1)).get(0);
                assertThat(late.task().id()).isEqualTo(delayed.id());
                late.complete(null);
                assertThat(q.deadLetters().list(10))
                        .extracting(TaskDeadLetter::taskId)
                        .contains(dead.id());
                assertThat(stillQueued.result()).isDone();
                assertThat(leased.result()).isDone();
            }
        }
    }
}
