package dev.scaleplane.events.kafka.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue;
import dev.scaleplane.kafka.testing.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Durability of the Kafka task queue across a broker crash: a broker of its own (so the module's shared one is never
 * disturbed) is killed with SIGKILL after tasks were submitted and some finished, then restarted on the same data. A
 * new process on the same topics finds every unfinished task and none of the finished ones.
 */
class KafkaTaskQueueBrokerKillTest {
    private static final Duration VISIBILITY = Duration.ofMinutes(1);

    @Test
    void every_acknowledged_task_survives_a_broker_kill_and_finished_ones_stay_finished() {
        try (KafkaBroker broker = KafkaBroker.builder().build().start()) {
            Map<String, String> settings = TaskTestKafka.settings(TaskTestKafka.uniquePrefix("broker-kill"));
            settings.put(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            KafkaTaskQueueConfig config = KafkaTaskQueueConfig.from(ScaleplaneProperties.of(settings));

            int total = 100;
            int finishedBefore = 30;
            KafkaTaskQueue first = open(config);
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                handles.add(first.submit(TaskRequest.of("job", i)));
            }
            List<Lease> leased = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                leased.addAll(first.lease("w1", total, VISIBILITY));
                return leased.size() == total;
            });
            for (Lease lease : leased) {
                if (lease.task().payload(Integer.class) < finishedBefore) {
                    lease.complete("before the crash");
                }
            }

            broker.kill9();
            broker.restart();
            first.close(); // the process that held the other 70 leases goes away too

            KafkaTaskQueue second = open(config);
            try {
                List<Lease> replayed = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    replayed.addAll(second.lease("w2", total, VISIBILITY));
                    return replayed.size() >= total - finishedBefore;
                });
                Set<Integer> payloads = replayed.stream()
                        .map(l -> l.task().payload(Integer.class))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(payloads)
                        .containsExactlyElementsOf(
                                IntStream.range(finishedBefore, total).boxed().toList());
                for (int i = 0; i < finishedBefore; i++) {
                    assertThat(second.state(handles.get(i).id())).contains(TaskState.SUCCEEDED);
                }
                replayed.forEach(l -> l.complete("after the crash"));
                assertThat(second.lease("w2", total, VISIBILITY)).isEmpty();
                await().atMost(Duration.ofSeconds(30)).until(() -> second.size() == 0);
            } finally {
                second.close();
            }
        }
    }

    private static KafkaTaskQueue open(KafkaTaskQueueConfig config) {
        return new KafkaTaskQueue(
                config, TaskQueueOptions.defaults(), TaskClock.system(), () -> 0.5, new SimpleMeterRegistry());
    }
}
