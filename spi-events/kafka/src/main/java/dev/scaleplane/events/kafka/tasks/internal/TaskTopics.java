package dev.scaleplane.events.kafka.tasks.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.events.kafka.internal.BrokerCheck;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The queue's three topics ({@code <prefix>.tasks}, {@code .state}, {@code .dead}): creating them, the partition of a
 * routing key, and the writes to them through the queue's one producer ({@code acks=all}; the hot writes are
 * acknowledged in groups through {@link GroupCommit}). Thread-safe; per partition the producer keeps the order in which
 * sends were called, and {@link QueueContext} says why the queue's writes need no more than that.
 */
final class TaskTopics {
    /** Header of a state record carrying its version. */
    static final String VERSION_HEADER = "scaleplane-version";

    /** The topic names. */
    final String tasks;

    final String state;
    final String dead;

    private final KafkaTaskQueueConfig config;
    private final int partitionCount;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * Opens the producer.
     *
     * @param partitionCount of the tasks topic, as {@link #provision} found it
     */
    TaskTopics(KafkaTaskQueueConfig config, int partitionCount) {
        this.config = config;
        this.tasks = config.tasksTopic();
        this.state = config.stateTopic();
        this.dead = config.deadTopic();
        this.partitionCount = partitionCount;
        this.producer = new KafkaProducer<>(
                config.producerProperties("producer"), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Creates the three topics if missing.
     *
     * @return the partition count of the tasks topic
     * @throws ScaleplaneException if the brokers cannot be reached or refuse
     */
    static int provision(KafkaTaskQueueConfig config) {
        String tasksTopic = config.tasksTopic();
        Admin admin = Admin.create(config.adminProperties());
        BrokerCheck brokers = new BrokerCheck(
                String.valueOf(config.adminProperties().get("bootstrap.servers")),
                config.bootstrapSetting(),
                KafkaTaskQueueConfig.PREFIX,
                // Creating the queue waits at most start-timeout for everything, the first answer included.
                config.connectTimeout().compareTo(config.startTimeout()) < 0
                        ? config.connectTimeout()
                        : config.startTimeout(),
                "the task queue " + config.topicPrefix());
        try {
            // The queue cannot start without brokers: fail after the connect timeout, naming them and the setting,
            // rather than after the start timeout with a symptom.
            brokers.start(admin);
            brokers.requireReachable("creating the Kafka task queue " + config.topicPrefix() + " needs a broker");
            Optional<Short> rf = config.replicationFactor();
            Map<String, String> compact = new HashMap<>();
            compact.put("cleanup.policy", "compact");
            Map<String, String> plain = new HashMap<>();
            config.minInsyncReplicas().ifPresent(m -> {
                compact.put("min.insync.replicas", String.valueOf(m));
                plain.put("min.insync.replicas", String.valueOf(m));
            });
            List<NewTopic> topics = List.of(
                    new NewTopic(tasksTopic, Optional.of(config.partitions()), rf).configs(plain),
                    new NewTopic(config.stateTopic(), Optional.of(config.partitions()), rf).configs(compact),
                    // One partition: the dead-letter list is read oldest first in topic order.
                    new NewTopic(config.deadTopic(), Optional.of(1), rf).configs(compact));
            long timeout = config.startTimeout().toMillis();
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(timeout, TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new ScaleplaneException(
                                "cannot create Kafka topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
                    }
                }
            }
            // A topic just created may not be in the metadata of the broker asked yet: ask again until it is.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(tasksTopic))
                            .allTopicNames()
                            .get(timeout, TimeUnit.MILLISECONDS)
                            .get(tasksTopic);
                    return d.partitions().size();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) {
                        throw ex;
                    }
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while creating the Kafka task topics", e);
        } catch (TimeoutException e) {
            // A TimeoutException has no message: say what waited, for how long, and on whom.
            throw brokers.noAnswer(
                    "setting up the topics of " + config.topicPrefix() + " got no answer within "
                            + config.startTimeout(),
                    e);
        } catch (ExecutionException e) {
            throw new ScaleplaneException(
                    "cannot set up the topics of " + config.topicPrefix() + " on Kafka at "
                            + config.adminProperties().get("bootstrap.servers") + ": " + e.getCause(),
                    e.getCause());
        } finally {
            // A bounded close: the default waits for pending calls up to the API timeout (a minute) when the
            // brokers are unreachable.
            admin.close(brokers.closeTimeout(Duration.ofSeconds(2)));
        }
    }

    int partitionCount() {
        return partitionCount;
    }

    /** The key a task's records are partitioned by: its key, else its id. */
    static String routingKey(Snapshot s) {
        String key = s.request().key();
        return key != null ? key : s.id();
    }

    /** The partition of a routing key: Kafka's default partitioner, computed here so the owner is known up front. */
    int partitionOf(String routingKey) {
        return Utils.toPositive(Utils.murmur2(routingKey.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    Future<RecordMetadata> sendTask(int partition, String key, ObjectNode value) {
        return producer.send(new ProducerRecord<>(tasks, partition, key, TaskRecords.bytes(value)));
    }

    Future<RecordMetadata> sendState(StateView sv) {
        return producer.send(stateRecord(sv.id(), sv.version(), TaskRecords.bytes(TaskRecords.state(sv))));
    }

    /**
     * A state record with its version also in header {@value #VERSION_HEADER}, so a reader that knows that version
     * already (its own write, applied when acknowledged) skips it without parsing the JSON.
     */
    private ProducerRecord<String, byte[]> stateRecord(String id, long version, byte[] value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(state, id, value);
        r.headers()
                .add(
                        VERSION_HEADER,
                        ByteBuffer.allocate(Long.BYTES).putLong(version).array());
        return r;
    }

    /** The version of a state record from its header, or -1 without one. */
    static long version(Headers headers) {
        Header h = headers.lastHeader(VERSION_HEADER);
        return h == null || h.value() == null || h.value().length != Long.BYTES
                ? -1
                : ByteBuffer.wrap(h.value()).getLong();
    }

    /**
     * Sends an encoded task-topic record; {@code callback} learns the outcome, also of a send that fails at once.
     * Keeps the order of the calls per partition.
     */
    void sendTask(int partition, String key, byte[] value, Callback callback) {
        send(new ProducerRecord<>(tasks, partition, key, value), callback);
    }

    /** Sends an encoded state record (key = task id); see {@link #sendTask(int, String, byte[], Callback)}. */
    void sendState(String id, long version, byte[] value, Callback callback) {
        send(stateRecord(id, version, value), callback);
    }

    private void send(ProducerRecord<String, byte[]> record, Callback callback) {
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            // kafka-clients report most failures through the callback, but a closed producer or an interrupt throws.
            callback.onCompletion(null, e);
        }
    }

    /** Deletes a task's state record (a tombstone for compaction); not awaited. */
    void deleteState(String id) {
        producer.send(new ProducerRecord<>(state, id, null));
    }

    Future<RecordMetadata> sendDead(String id, ObjectNode value) {
        return producer.send(new ProducerRecord<>(dead, id, TaskRecords.bytes(value)));
    }

    /**
     * Waits for the broker's acknowledgement of a write.
     *
     * @throws ScaleplaneException naming {@code what} if it is refused or not acknowledged within the send timeout
     */
    <T> T await(Future<T> f, String what) {
        try {
            return f.get(config.sendTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while waiting for Kafka (" + what + ")", e);
        } catch (ExecutionException e) {
            throw new ScaleplaneException("Kafka did not accept the " + what + " write: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ScaleplaneException(
                    "Kafka did not acknowledge the " + what + " write within " + config.sendTimeout(), e);
        }
    }

    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
