package dev.scaleplane.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.builder()
                .saslPlainUser("alice", "alice-secret")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void acknowledged_records_survive_kill9_and_restart_on_the_same_ports() throws Exception {
        String bootstrap = broker.bootstrapServers();
        createTopic(broker.clientProperties(), "survives");
        // lz4 as the bus uses by default: the codecs are runtime dependencies of the client, easy to leave out.
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of("compression.type", "lz4"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("survives", "k" + i, "v" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        long pid = broker.pid();
        broker.kill9();
        assertThat(broker.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();

        broker.restart();
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(broker.pid()).isNotEqualTo(pid);
        assertThat(readAll(bootstrap, "survives", 100, Map.of())).hasSize(100);
    }

    @Test
    void graceful_stop_and_restart_keep_the_data() throws Exception {
        createTopic(broker.clientProperties(), "graceful");
        try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("graceful", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        broker.stop();
        broker.start();
        assertThat(readAll(broker.bootstrapServers(), "graceful", 1, Map.of())).containsExactly("v");
    }

    @Test
    void sasl_plain_listener_accepts_the_right_password_only() throws Exception {
        createTopic(broker.clientProperties(), "secured");
        Map<String, Object> good = sasl("alice", "alice-secret");
        try (KafkaProducer<String, String> producer = producer(broker.saslBootstrapServers(), good)) {
            producer.send(new ProducerRecord<>("secured", "k", "secret-v")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(broker.saslBootstrapServers(), "secured", 1, good)).containsExactly("secret-v");

        try (KafkaProducer<String, String> producer =
                producer(broker.saslBootstrapServers(), sasl("alice", "wrong-password"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secured", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void a_broker_that_cannot_start_fails_with_the_reason_from_its_log() {
        try (KafkaBroker bad = KafkaBroker.builder()
                .serverProperty("num.io.threads", "-3")
                .startTimeout(Duration.ofSeconds(60))
                .build()) {
            assertThatThrownBy(bad::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("num.io.threads")
                    .hasMessageContaining("last lines of");
        }
    }

    @Test
    void shared_broker_is_one_per_jvm() {
        KafkaBroker shared = KafkaBroker.shared();
        assertThat(KafkaBroker.shared()).isSameAs(shared);
        assertThat(shared.isRunning()).isTrue();
    }

    private static Map<String, Object> sasl(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                                + "\" password=\"" + password + "\";");
    }

    private static void createTopic(Properties admin, String topic) throws Exception {
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(String bootstrap, String topic, int expected, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(extra);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
