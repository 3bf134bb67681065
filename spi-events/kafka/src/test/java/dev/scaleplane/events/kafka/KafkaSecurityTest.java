package dev.scaleplane.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import dev.scaleplane.testing.CapturedOutput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bus on the broker's SASL/PLAIN listener; the password must never be printed anywhere. */
class KafkaSecurityTest {
    private CapturedOutput captured;

    @BeforeEach
    void captureOutput() {
        TestKafka.broker();
        captured = new CapturedOutput();
    }

    @AfterEach
    void restoreOutput() {
        captured.close();
    }

    private static Platform platform(String password) {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "kafka");
        config.put("scaleplane.tasks.provider", "memory");
        config.put(KafkaBusConfig.BOOTSTRAP_SERVERS, TestKafka.broker().saslBootstrapServers());
        config.put(KafkaBusConfig.SECURITY_PROTOCOL, "SASL_PLAINTEXT");
        config.put(KafkaBusConfig.SASL_MECHANISM, "PLAIN");
        config.put(KafkaBusConfig.SASL_USERNAME, TestKafka.SASL_USER);
        config.put(KafkaBusConfig.SASL_PASSWORD, password);
        config.put(KafkaBusConfig.PUBLISH_TIMEOUT, "5s");
        return Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .config(ScaleplaneProperties.of(config))
                .build();
    }

    @Test
    void publishes_and_consumes_over_sasl_plain_without_printing_the_password() throws Exception {
        String topic = "secured-" + Long.toHexString(System.nanoTime());
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (Platform platform = platform(TestKafka.SASL_PASSWORD)) {
            EventBus bus = platform.events();
            bus.subscribe(SubscriptionOptions.of(topic, "secured-group"), TckPayload.TYPE, e -> handled.add(e.id()));
            Event<TckPayload> event = Event.builder(TckPayload.TYPE, new TckPayload("k", 1))
                    .source(TckBusSettings.DEFAULT_SOURCE)
                    .build();
            bus.publish(topic, event).get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains(event.id()));
            assertThat(bus.toString()).doesNotContain(TestKafka.SASL_PASSWORD);
        }
        String output = captured.text();
        assertThat(output).as("the log was captured").contains("Kafka event bus started");
        assertThat(output).as("the client config dump was captured").contains("sasl.jaas.config");
        assertThat(output).doesNotContain(TestKafka.SASL_PASSWORD);
    }

    @Test
    void a_wrong_password_fails_the_publish_with_a_message_that_holds_no_secret() throws Exception {
        String wrong = "wrong-" + TestKafka.SASL_PASSWORD;
        try (Platform platform = platform(wrong)) {
            EventBus bus = platform.events();
            Event<TckPayload> event = Event.builder(TckPayload.TYPE, new TckPayload("k", 1))
                    .source(TckBusSettings.DEFAULT_SOURCE)
                    .build();
            Throwable failure =
                    catchThrowable(() -> bus.publish("secured-wrong", event).get(60, TimeUnit.SECONDS));
            assertThat(failure).hasCauseInstanceOf(PublishException.class);
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(wrong).doesNotContain(TestKafka.SASL_PASSWORD);
        }
        String output = captured.text();
        assertThat(output).contains("Kafka event bus started");
        assertThat(output).doesNotContain(wrong).doesNotContain(TestKafka.SASL_PASSWORD);
    }
}
