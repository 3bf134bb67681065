package dev.scaleplane.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import dev.scaleplane.testing.CapturedOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Brokers that are not there (a closed port, no broker needed): the errors name the brokers and the setting, the
 * clients' connection warnings stay a few lines, and the start-up check reports once. How long close takes is printed
 * as a figure, not asserted.
 */
class KafkaUnreachableTest {
    private CapturedOutput captured;
    private String servers;

    @BeforeEach
    void setUp() throws IOException {
        captured = new CapturedOutput();
        // A port that was just free and is closed again: nothing listens there.
        try (ServerSocket socket = new ServerSocket(0)) {
            servers = "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @AfterEach
    void restore() {
        captured.close();
    }

    private Platform platform(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "kafka");
        config.put("scaleplane.tasks.provider", "memory");
        config.put(KafkaBusConfig.BOOTSTRAP_SERVERS, servers);
        config.put(KafkaBusConfig.PUBLISH_TIMEOUT, "3s");
        config.put(KafkaBusConfig.CONNECT_TIMEOUT, "2s");
        config.putAll(extra);
        return Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .config(ScaleplaneProperties.of(config))
                .build();
    }

    private static Event<TckPayload> event() {
        return Event.builder(TckPayload.TYPE, new TckPayload("k", 1))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .build();
    }

    private String log() {
        return captured.text();
    }

    private long lines(String containing) {
        return log().lines().filter(l -> l.contains(containing)).count();
    }

    @Test
    void publish_fails_naming_the_brokers_and_the_setting_and_the_log_stays_short() throws Exception {
        Platform platform = platform(Map.of());
        Throwable failure;
        try {
            failure = catchThrowable(
                    () -> platform.events().publish("orders", event()).get(60, TimeUnit.SECONDS));
            // A second publish while the brokers are still down: its failure is logged no more than the first's.
            catchThrowable(() -> platform.events().publish("orders", event()).get(60, TimeUnit.SECONDS));
        } finally {
            long start = System.nanoTime();
            platform.close();
            System.out.printf(
                    "figure: close() with unreachable brokers took %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        assertThat(failure).isInstanceOf(ExecutionException.class);
        PublishException publish = (PublishException) failure.getCause();
        String expected = "Kafka brokers " + servers + " (scaleplane.events.kafka.bootstrap-servers) are unreachable";
        assertThat(publish.getMessage()).contains(expected).doesNotContain("consumers are slower");
        assertThat(publish.getCause()).isInstanceOf(BackendUnreachableException.class);
        BackendUnreachableException unreachable = (BackendUnreachableException) publish.getCause();
        assertThat(unreachable.addresses()).isEqualTo(servers);
        assertThat(unreachable.setting()).isEqualTo(KafkaBusConfig.BOOTSTRAP_SERVERS);

        // The start-up check: one WARN naming the brokers and the setting.
        assertThat(lines("WARN") > 0 && lines(expected + ": no answer to the event bus") == 1)
                .as("one start-up warning naming the brokers in:%n%s", log())
                .isTrue();
        // Our own report of failed publishes is rate-limited: two failures, one line.
        assertThat(lines("publish to topic orders failed")).as(log()).isEqualTo(1);
        // kafka-clients' reconnect warnings, throttled by our back-off defaults (1 s doubling to 10 s): a few per
        // client in the seconds this test runs. Their defaults (50 ms doubling to 1 s) allow
        // about one a second per client after the first second.
        assertThat(lines("could not be established")).as(log()).isLessThanOrEqualTo(12);
        assertThat(lines("Rebootstrapping")).as(log()).isLessThanOrEqualTo(12);
        System.out.printf(
                "figure: %d log lines in all, %d kafka-clients connection warnings%n",
                log().lines().count(), lines("could not be established"));
    }

    @Test
    void fail_fast_fails_the_build_naming_the_brokers_the_setting_and_the_switch() {
        assertThatThrownBy(
                        () -> platform(Map.of(KafkaBusConfig.FAIL_FAST, "true")).close())
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageContaining("Kafka brokers " + servers + " (" + KafkaBusConfig.BOOTSTRAP_SERVERS
                        + ") are unreachable: no answer within the connect timeout of PT2S")
                .hasMessageContaining(KafkaBusConfig.FAIL_FAST + " is true");
    }

    @Test
    void the_task_queue_fails_at_creation_naming_the_brokers_and_the_setting_it_read_them_from() {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "memory");
        config.put("scaleplane.tasks.provider", "kafka");
        config.put(KafkaTaskQueueConfig.EVENTS_BOOTSTRAP_SERVERS, servers);
        config.put(KafkaTaskQueueConfig.PREFIX + "connect-timeout", "2s");
        Throwable failure;
        try (Platform platform = Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .config(ScaleplaneProperties.of(config))
                .build()) {
            failure = catchThrowable(() -> {
                TaskQueue tasks = platform.tasks();
                tasks.capabilities();
            });
        }
        assertThat(failure)
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageContaining("Kafka brokers " + servers + " (" + KafkaTaskQueueConfig.EVENTS_BOOTSTRAP_SERVERS
                        + ") are unreachable: no answer within the connect timeout of PT2S")
                .hasMessageContaining("needs a broker");
        assertThat(lines("could not be established")).as(log()).isLessThanOrEqualTo(20);
    }
}
