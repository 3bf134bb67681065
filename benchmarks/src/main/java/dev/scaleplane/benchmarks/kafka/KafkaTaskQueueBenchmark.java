package dev.scaleplane.benchmarks.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.benchmarks.orchestration.NoopTasks;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Kafka task queue, submit to completed handle of no-op tasks, against the broker's raw acknowledged round trip
 * for the same record pattern, on one broker in one run. One invocation submits {@value #BATCH} tasks from {@code
 * submitters} threads (an equal share each) and returns once every task's completion was read back, so the score is
 * tasks per second submitted, run, acknowledged and seen done. Two ways to submit, each side measured both ways:
 * synchronously (every submit returns only once acknowledged, so a thread waits one round trip per task), and
 * pipelined ({@code -async}: each submitter keeps up to {@value #IN_FLIGHT} submits waiting for their acknowledgement,
 * the SDK through {@code TaskQueue.submitAsync}, the raw client through send callbacks, the same window on both sides).
 *
 * <ul>
 *   <li>{@code scaleplane}: the platform's task queue ({@code scaleplane.tasks.provider=kafka}, 6 partitions) and an
 *       {@link Orchestrator} leasing and completing the tasks ({@value #ORCHESTRATOR_THREADS} handler threads, 4
 *       workers of 64 slots, 1 ms poll), in the same process; {@code TaskHandle.result()} completes once this
 *       process applied the acknowledged {@code SUCCEEDED} state. Per task the queue writes: task record and state
 *       {@code QUEUED} (submit, awaited), {@code done} record and state {@code SUCCEEDED} (the orchestrator's
 *       {@code Lease.completeAsync}: handed over, not awaited by the handler thread), and a
 *       {@code LEASED} state only for a task still leased at the next commit round (200 ms), which a no-op task
 *       rarely is.
 *   <li>{@code raw}: kafka-clients with the queue's own producer settings ({@code acks=all}, idempotence, no linger)
 *       on topics shaped like the queue's (tasks 6 partitions, state 6 partitions compacted). A submitter sends the
 *       task record (keyed by the task id) and a {@code QUEUED} state record, JSON of the queue's size, and waits for
 *       both acknowledgements. One worker thread in a consumer group polls the tasks topic, parses each task record,
 *       sends a {@code done} record to the task's partition and a {@code SUCCEEDED} state record for each, waits for
 *       the poll's acknowledgements and commits. One reader thread reads the state topic and completes a task's
 *       future when it parses its {@code SUCCEEDED} record. No lease, no {@code LEASED} record, no timers, no
 *       retries: the floor of that record pattern on this broker.
 *   <li>{@code scaleplane-async} and {@code raw-async}: the same two sides, submitting pipelined as above.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 4, time = 3)
public class KafkaTaskQueueBenchmark {
    /** Tasks per invocation: a multiple of every submitter count. */
    static final int BATCH = 2_000;

    static final int ORCHESTRATOR_THREADS = 16;

    /** Submits a pipelining submitter keeps waiting for their acknowledgement, on both sides. */
    static final int IN_FLIGHT = 128;

    private static final int PARTITIONS = KafkaBenchSupport.PARTITIONS;
    private static final long DEADLINE_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code scaleplane} (the Kafka task queue with an Orchestrator) or {@code raw} (kafka-clients), submitting
     * synchronously; {@code scaleplane-async} and {@code raw-async} submitting pipelined.
     */
    @Param({"scaleplane", "raw", "scaleplane-async", "raw-async"})
    public String impl;

    /** Threads submitting at once. */
    @Param({"1", "8"})
    public int submitters;

    private @Nullable NoopTasks sdk;
    private @Nullable TaskQueue queue;
    private @Nullable RawTasks raw;
    private ExecutorService pool;
    private long expected;

    /**
     * The send timeout of both sides (the queue's default is 10 s). The CI smoke run, on two loaded cores, saw a batch of
     * the setup's submits wait longer than 10 s for the broker; the benchmark measures throughput, not that timeout.
     */
    private static final String SEND_TIMEOUT = "60s";

    /** Starts the side under test; not measured. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String bootstrap = KafkaBenchSupport.bootstrap();
        String prefix = "bench-tq-" + impl + "-" + submitters + "-" + Long.toHexString(System.nanoTime());
        pool = NoopTasks.submitters(submitters);
        if (impl.startsWith("scaleplane")) {
            Map<String, String> settings = new HashMap<>();
            settings.put("scaleplane.tasks.provider", "kafka");
            settings.put(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, bootstrap);
            settings.put(KafkaTaskQueueConfig.TOPIC_PREFIX, prefix);
            settings.put(KafkaTaskQueueConfig.PARTITIONS, String.valueOf(PARTITIONS));
            // Finished tasks are forgotten after 5 s instead of an hour: a long run would measure the heap otherwise.
            settings.put(KafkaTaskQueueConfig.RETENTION, "5s");
            settings.put(KafkaTaskQueueConfig.IDEMPOTENCY_WINDOW, "5s");
            settings.put(KafkaTaskQueueConfig.SEND_TIMEOUT, SEND_TIMEOUT);
            sdk = NoopTasks.start(settings, ORCHESTRATOR_THREADS, 4, 64);
            queue = sdk.queue();
        } else {
            raw = new RawTasks(bootstrap, prefix);
        }
        // One task through before measuring: metadata, producer id and group assignment outside the figures.
        submitAll(submitters);
    }

    /** Submits one batch from the submitters and waits until every task of it was seen done. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void submitToCompleted() throws Exception {
        submitAll(BATCH);
    }

    private void submitAll(int tasks) throws Exception {
        expected += tasks;
        NoopTasks.submitNoops(
                pool, submitters, tasks, DEADLINE_SECONDS, impl.endsWith("-async"), IN_FLIGHT, queue, raw);
    }

    /** Checks that every task ran exactly once (the SDK side), then stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            long count = raw != null ? raw.ran.get() : sdk.ran();
            if (count != expected) {
                throw new IllegalStateException(
                        impl + "/" + submitters + ": " + count + " task executions, expected exactly " + expected);
            }
        } finally {
            NoopTasks.closeAll(pool, sdk, raw);
        }
    }

    /** The raw reference: see the class comment. */
    static final class RawTasks implements NoopTasks.RawSide, AutoCloseable {
        private final String tasksTopic;
        private final String stateTopic;
        private final KafkaProducer<String, byte[]> producer;
        private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
        final AtomicLong ran = new AtomicLong();
        private final Thread worker;
        private final Thread reader;
        private final KafkaConsumer<String, byte[]> workerConsumer;
        private final KafkaConsumer<String, byte[]> readerConsumer;
        private volatile boolean stopping;

        RawTasks(String bootstrap, String prefix) throws Exception {
            tasksTopic = prefix + ".tasks";
            stateTopic = prefix + ".state";
            KafkaBenchSupport.createTopics(
                    bootstrap,
                    new NewTopic(tasksTopic, PARTITIONS, (short) 1),
                    new NewTopic(stateTopic, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            // Exactly the queue's producer settings.
            KafkaTaskQueueConfig config = KafkaTaskQueueConfig.from(ScaleplaneProperties.of(Map.of(
                    KafkaTaskQueueConfig.BOOTSTRAP_SERVERS,
                    bootstrap,
                    KafkaTaskQueueConfig.SEND_TIMEOUT,
                    SEND_TIMEOUT)));
            Properties p = new Properties();
            p.putAll(config.producerProperties("raw"));
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            workerConsumer = consumer(config, "raw-worker", prefix + ".workers");
            workerConsumer.subscribe(List.of(tasksTopic));
            readerConsumer = consumer(config, "raw-reader", null);
            List<TopicPartition> parts = new ArrayList<>();
            List<PartitionInfo> infos = List.of();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (infos.size() < PARTITIONS && System.nanoTime() < until) {
                infos = readerConsumer.partitionsFor(stateTopic, Duration.ofSeconds(10));
                Thread.sleep(infos.size() < PARTITIONS ? 20 : 0);
            }
            infos.forEach(pi -> parts.add(new TopicPartition(stateTopic, pi.partition())));
            readerConsumer.assign(parts);
            readerConsumer.seekToBeginning(parts);
            worker = new Thread(this::work, "raw-worker");
            reader = new Thread(this::read, "raw-reader");
            worker.setDaemon(true);
            reader.setDaemon(true);
            worker.start();
            reader.start();
        }

        private static KafkaConsumer<String, byte[]> consumer(
                KafkaTaskQueueConfig config, String role, @Nullable String group) {
            Properties c = new Properties();
            c.putAll(config.consumerProperties(role, false));
            if (group != null) {
                c.put("group.id", group);
            }
            return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        }

        /** Task record and QUEUED state, both acknowledged; the future completes when SUCCEEDED is read back. */
        @Override
        public CompletableFuture<?> submit(int payload) throws Exception {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Object> result = new CompletableFuture<>();
            pending.put(id, result);
            Instant now = Instant.now();
            Future<?> task = producer.send(new ProducerRecord<>(tasksTopic, id, taskRecord(id, payload, now)));
            Future<?> state = producer.send(new ProducerRecord<>(stateTopic, id, stateRecord(id, "QUEUED", 1, now)));
            task.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            state.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            return result;
        }

        /**
         * Like {@link #submit} without waiting: {@code acknowledged} runs once both records are acknowledged (or one
         * failed, which also fails the returned future).
         */
        @Override
        public CompletableFuture<?> submitAsync(int payload, Runnable acknowledged) {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Object> result = new CompletableFuture<>();
            pending.put(id, result);
            Instant now = Instant.now();
            AtomicInteger outstanding = new AtomicInteger(2);
            Callback callback = (meta, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                }
                if (outstanding.decrementAndGet() == 0) {
                    acknowledged.run();
                }
            };
            producer.send(new ProducerRecord<>(tasksTopic, id, taskRecord(id, payload, now)), callback);
            producer.send(new ProducerRecord<>(stateTopic, id, stateRecord(id, "QUEUED", 1, now)), callback);
            return result;
        }

        private void work() {
            List<Future<?>> acks = new ArrayList<>();
            while (!stopping) {
                ConsumerRecords<String, byte[]> records = workerConsumer.poll(Duration.ofMillis(50));
                for (ConsumerRecord<String, byte[]> rec : records) {
                    JsonNode n = parse(rec.value());
                    if (n == null || !"task".equals(n.path("kind").asText())) {
                        continue;
                    }
                    String id = n.path("id").asText();
                    ran.incrementAndGet();
                    acks.add(producer.send(
                            new ProducerRecord<>(tasksTopic, rec.partition(), rec.key(), doneRecord(id))));
                    acks.add(producer.send(
                            new ProducerRecord<>(stateTopic, id, stateRecord(id, "SUCCEEDED", 2, Instant.now()))));
                }
                try {
                    for (Future<?> f : acks) {
                        f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    if (!stopping) {
                        e.printStackTrace();
                    }
                    return;
                }
                acks.clear();
                if (!records.isEmpty()) {
                    workerConsumer.commitAsync();
                }
            }
        }

        private void read() {
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> rec : readerConsumer.poll(Duration.ofMillis(50))) {
                    JsonNode n = parse(rec.value());
                    if (n != null && "SUCCEEDED".equals(n.path("state").asText())) {
                        CompletableFuture<Object> f =
                                pending.remove(n.path("id").asText());
                        if (f != null) {
                            f.complete(null);
                        }
                    }
                }
            }
        }

        private static @Nullable JsonNode parse(byte @Nullable [] value) {
            try {
                return value == null ? null : JSON.readTree(value);
            } catch (IOException e) {
                return null;
            }
        }

        /** The fields of the queue's task record. */
        private static byte[] taskRecord(String id, int payload, Instant now) {
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", "task");
            n.put("id", id);
            n.put("version", 1);
            n.put("type", NoopTasks.TYPE);
            n.put("payload", payload);
            n.put("payloadClass", "java.lang.Integer");
            n.put("priority", "NORMAL");
            n.put("requestedAttempts", 0);
            n.put("maxAttempts", 3);
            n.put("attempts", 0);
            n.put("submittedAt", now.toString());
            n.put("readyAt", now.toString());
            n.putArray("failures");
            return bytes(n);
        }

        /** The fields of the queue's state record. */
        private static byte[] stateRecord(String id, String state, int version, Instant now) {
            ObjectNode n = JSON.createObjectNode();
            n.put("id", id);
            n.put("state", state);
            n.put("version", version);
            n.put("type", NoopTasks.TYPE);
            n.put("attempts", version - 1);
            n.put("partition", 0);
            n.put("routingKey", id);
            n.put("submittedAt", now.toString());
            n.put("message", "");
            n.putNull("result");
            return bytes(n);
        }

        private static byte[] doneRecord(String id) {
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", "done");
            n.put("id", id);
            n.put("version", 2);
            n.put("state", "SUCCEEDED");
            return bytes(n);
        }

        private static byte[] bytes(ObjectNode n) {
            try {
                return JSON.writeValueAsBytes(n);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            worker.join(10_000);
            reader.join(10_000);
            workerConsumer.close(Duration.ofSeconds(5));
            readerConsumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }
}
