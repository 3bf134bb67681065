package dev.scaleplane.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.benchmarks.orchestration.NoopTasks;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
 * The RabbitMQ task queue, submit to completed handle of no-op tasks, against the broker's raw confirmed round trip
 * for the same message pattern, on one broker in one run (issue 18's broker goal: at least 0.8 of raw). One
 * invocation submits {@value #BATCH} tasks from {@code submitters} threads (an equal share each) and returns once
 * every task's completion is known, so the score is tasks per second submitted, run and acknowledged.
 *
 * <ul>
 *   <li>{@code scaleplane}: the platform's task queue ({@code scaleplane.tasks.provider=rabbitmq}, the given queue
 *       type) and an {@link Orchestrator} leasing and completing the tasks ({@value #ORCHESTRATOR_THREADS} handler
 *       threads, 4 workers of 16 slots, 1 ms poll, through {@link NoopTasks}), in the same process; completed = {@code TaskHandle.result()}.
 *       Per task the queue publishes a ledger token and the task message (both confirmed, on submit), fetches the
 *       task with {@code basic.get} (lease), acknowledges it, takes its token back with {@code basic.get} and
 *       publishes a state event to the fanout exchange without confirm (complete).
 *   <li>{@code raw}: amqp-client doing exactly those broker operations, nothing else: a submitter publishes a token
 *       to a classic ledger queue ({@code x-max-length}, {@code reject-publish}) and a persistent task message with
 *       the queue's headers to a work queue of the given type on its own confirm channel and waits for both
 *       confirms; one worker thread fetches with {@code basic.get}, acknowledges, takes a token back, publishes the
 *       event and completes the task's future (in-process, as the SDK's own handle completes). No leases, timers,
 *       priorities, retries or key locks.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class RabbitTaskQueueBenchmark {
    /** Tasks per invocation: a multiple of every submitter count; small, as the broker does hundreds per second. */
    static final int BATCH = 200;

    static final int ORCHESTRATOR_THREADS = 16;

    private static final String TYPE = "noop";
    private static final long DEADLINE_SECONDS = 120;

    /** {@code scaleplane} (the RabbitMQ task queue with an Orchestrator) or {@code raw} (amqp-client). */
    @Param({"scaleplane", "raw"})
    public String impl;

    /** Threads submitting at once. */
    @Param({"1", "8"})
    public int submitters;

    /** The work queues' type, as {@code scaleplane.tasks.rabbitmq.queue-type}. */
    @Param({"classic", "quorum"})
    public String queueType;

    private @Nullable NoopTasks sdk;
    private @Nullable TaskQueue queue;
    private @Nullable RawTasks raw;
    private ExecutorService pool;
    private long expected;

    /** Starts the side under test; not measured. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String name =
                "bench-tq-" + impl + "-" + submitters + "-" + queueType + "-" + Long.toHexString(System.nanoTime());
        pool = NoopTasks.submitters(submitters);
        if (impl.equals("scaleplane")) {
            Map<String, String> settings = new HashMap<>();
            settings.put("scaleplane.tasks.provider", "rabbitmq");
            settings.put(RabbitTaskQueueConfig.HOST, "127.0.0.1");
            settings.put(RabbitTaskQueueConfig.VIRTUAL_HOST, RabbitBenchSupport.vhost());
            settings.put(RabbitTaskQueueConfig.QUEUE, name);
            settings.put(RabbitTaskQueueConfig.QUEUE_TYPE, queueType);
            sdk = NoopTasks.start(settings, ORCHESTRATOR_THREADS, 4, 16);
            queue = sdk.queue();
        } else {
            raw = new RawTasks(name, queueType, submitters);
        }
        // Tasks through before measuring: connections, channels and queues outside the figures.
        submitAll(submitters);
    }

    /** Submits one batch from the submitters and waits until every task of it completed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void submitToCompleted() throws Exception {
        submitAll(BATCH);
    }

    private void submitAll(int tasks) throws Exception {
        expected += tasks;
        NoopTasks.submitInShares(pool, submitters, tasks, DEADLINE_SECONDS, (submitter, count) -> {
            List<CompletableFuture<?>> done = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                done.add(queue != null ? queue.submit(TaskRequest.of(TYPE, i)).result() : raw.submit(submitter, i));
            }
            return done;
        });
    }

    /** Checks that every task ran exactly once, then stops everything and deletes the raw side's queues. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            long count = raw != null ? raw.ran.get() : sdk.ran();
            if (count != expected) {
                throw new IllegalStateException(impl + "/" + submitters + "/" + queueType + ": " + count
                        + " task executions, expected exactly " + expected);
            }
        } finally {
            NoopTasks.closeAll(pool, sdk, raw);
        }
    }

    /** The raw reference: see the class comment. */
    static final class RawTasks implements AutoCloseable {
        private final String work;
        private final String ledger;
        private final String events;
        private final Connection connection;
        /** One confirm channel per submitter: a channel's confirms are not shared between threads. */
        private final List<Channel> submitChannels = new ArrayList<>();

        private final Channel workerChannel;
        private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
        final AtomicLong ran = new AtomicLong();
        private final Thread worker;
        private volatile boolean stopping;

        RawTasks(String name, String queueType, int submitters) throws Exception {
            work = name + ".p2";
            ledger = name + ".ledger";
            events = name + ".events";
            connection = RabbitBenchSupport.connectionFactory().newConnection("raw-tasks");
            Channel admin = connection.createChannel();
            admin.queueDeclare(work, true, false, false, Map.of("x-queue-type", queueType));
            admin.queueDeclare(
                    ledger,
                    true,
                    false,
                    false,
                    Map.of("x-queue-type", "classic", "x-max-length", 100_000, "x-overflow", "reject-publish"));
            admin.exchangeDeclare(events, "fanout", false, true, null);
            admin.close();
            for (int i = 0; i < submitters; i++) {
                Channel ch = connection.createChannel();
                ch.confirmSelect();
                submitChannels.add(ch);
            }
            workerChannel = connection.createChannel();
            worker = new Thread(this::work, "raw-worker");
            worker.setDaemon(true);
            worker.start();
        }

        /** Token and task message, both confirmed; the future completes once the worker acknowledged the task. */
        CompletableFuture<?> submit(int submitter, int payload) throws Exception {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Object> result = new CompletableFuture<>();
            pending.put(id, result);
            Channel ch = submitChannels.get(submitter);
            ch.basicPublish(
                    "",
                    ledger,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    new byte[0]);
            ch.basicPublish("", work, properties(id), Integer.toString(payload).getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            return result;
        }

        /** The headers the queue's task message carries (see the RabbitMQ module's README). */
        private static AMQP.BasicProperties properties(String id) {
            Map<String, Object> h = new HashMap<>();
            Instant now = Instant.now();
            h.put("x-sp-type", TYPE);
            h.put("x-sp-priority", "NORMAL");
            h.put("x-sp-attempts", "0");
            h.put("x-sp-payload-class", Integer.class.getName());
            h.put("x-sp-submitted-at", now.toString());
            h.put("x-sp-ready-at", now.toString());
            h.put("x-sp-counted", "true");
            h.put("x-sp-generation", "0");
            return new AMQP.BasicProperties.Builder()
                    .messageId(id)
                    .contentType("application/json")
                    .deliveryMode(2)
                    .type(TYPE)
                    .headers(h)
                    .build();
        }

        private void work() {
            try {
                while (!stopping) {
                    GetResponse task = workerChannel.basicGet(work, false);
                    if (task == null) {
                        Thread.sleep(1); // the queue's idle poll is of the same order
                        continue;
                    }
                    String id = task.getProps().getMessageId();
                    ran.incrementAndGet();
                    workerChannel.basicAck(task.getEnvelope().getDeliveryTag(), false);
                    workerChannel.basicGet(ledger, true);
                    workerChannel.basicPublish(
                            events,
                            "",
                            new AMQP.BasicProperties.Builder()
                                    .messageId(id)
                                    .type("SUCCEEDED")
                                    .build(),
                            new byte[0]);
                    CompletableFuture<Object> f = pending.remove(id);
                    if (f != null) {
                        f.complete(null);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!stopping) {
                    e.printStackTrace();
                }
            }
        }

        @Override
        public void close() throws IOException, TimeoutException {
            stopping = true;
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                // AutoCloseable.close should not throw InterruptedException: keep the flag, still clean up.
                Thread.currentThread().interrupt();
            }
            try (Channel admin = connection.createChannel()) {
                admin.queueDelete(work);
                admin.queueDelete(ledger);
                admin.exchangeDelete(events);
            } finally {
                connection.close();
            }
        }
    }
}
