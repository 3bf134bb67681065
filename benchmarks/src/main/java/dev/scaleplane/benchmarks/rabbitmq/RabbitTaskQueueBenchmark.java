package dev.scaleplane.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.benchmarks.orchestration.NoopTasks;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * every task's completion is known, so the score is tasks per second submitted, run and acknowledged. Two ways to
 * submit, each side measured both ways: synchronously (every submit returns only once both confirms arrived), and
 * pipelined ({@code -async}: each submitter keeps up to {@value #IN_FLIGHT} submissions waiting for their confirms,
 * the SDK through {@code TaskQueue.submitAsync}, the raw client through confirm listeners, the same window on both
 * sides).
 *
 * <ul>
 *   <li>{@code scaleplane}: the platform's task queue ({@code scaleplane.tasks.provider=rabbitmq}, the given queue
 *       type) and an {@link Orchestrator} leasing and completing the tasks ({@value #ORCHESTRATOR_THREADS} handler
 *       threads, 4 workers of 16 slots, 1 ms poll, through {@link NoopTasks}), in the same process; completed =
 *       {@code TaskHandle.result()}. Per task the queue publishes a ledger token on its submit channel, and once the
 *       broker confirmed the token the task message (confirmed too), both awaited outside the queue's lock; fetches
 *       the task with {@code basic.get} (lease); acknowledges it and publishes a state event to the fanout exchange
 *       without confirm (complete); a thread of its own takes the token back with {@code basic.get}.
 *   <li>{@code raw}: amqp-client doing exactly those broker operations, nothing else: a submitter publishes a token
 *       to a classic ledger queue ({@code x-max-length}, {@code reject-publish}), waits for its confirm, then
 *       publishes a persistent task message with the queue's headers to a work queue of the given type and waits for
 *       that confirm, on one confirm channel shared by the submitters with a future per sequence number (as the
 *       SDK's submit channel); {@code -async} publishes the message from one pipeline thread when the token's confirm
 *       arrives. One worker thread fetches with {@code basic.get}, acknowledges, publishes the event and completes
 *       the task's future (in-process, as the SDK's own handle completes); a token thread takes the tokens back. No
 *       leases, timers, priorities, retries or key locks.
 * </ul>
 *
 * <p>Before issue 18's change the raw side published token and message back to back and awaited both confirms at
 * once, and its worker took the token back inline; the SDK never could do the former (a message must not go out
 * before the ledger accepted its token), so the raw side now follows the SDK's order.
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

    private static final long DEADLINE_SECONDS = 120;

    /** Submissions each submitter keeps waiting for their confirms in the {@code -async} variants. */
    static final int IN_FLIGHT = 128;

    /**
     * {@code scaleplane} (the RabbitMQ task queue with an Orchestrator) or {@code raw} (amqp-client), synchronous or
     * pipelined ({@code -async}).
     */
    @Param({"scaleplane", "raw", "scaleplane-async", "raw-async"})
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
        if (impl.startsWith("scaleplane")) {
            Map<String, String> settings = new HashMap<>();
            settings.put("scaleplane.tasks.provider", "rabbitmq");
            settings.put(RabbitTaskQueueConfig.HOST, "127.0.0.1");
            settings.put(RabbitTaskQueueConfig.PORT, Integer.toString(RabbitBenchSupport.PORT));
            settings.put(RabbitTaskQueueConfig.VIRTUAL_HOST, RabbitBenchSupport.vhost());
            settings.put(RabbitTaskQueueConfig.QUEUE, name);
            settings.put(RabbitTaskQueueConfig.QUEUE_TYPE, queueType);
            sdk = NoopTasks.start(settings, ORCHESTRATOR_THREADS, 4, 16);
            queue = sdk.queue();
        } else {
            raw = new RawTasks(name, queueType);
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
        NoopTasks.submitNoops(
                pool, submitters, tasks, DEADLINE_SECONDS, impl.endsWith("-async"), IN_FLIGHT, queue, raw);
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
    static final class RawTasks implements NoopTasks.RawSide, AutoCloseable {
        private static final AMQP.BasicProperties TOKEN =
                new AMQP.BasicProperties.Builder().deliveryMode(2).build();

        private final String work;
        private final String ledger;
        private final String events;
        private final Connection connection;
        /** The submitters' confirm channel, a future per sequence number (as the SDK's submit channel). */
        private final Channel submitChannel;

        private final ConcurrentSkipListMap<Long, CompletableFuture<Boolean>> unconfirmed =
                new ConcurrentSkipListMap<>();
        private final ExecutorService pipeline;
        private final Channel workerChannel;
        private final Channel tokenChannel;
        private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
        final AtomicLong ran = new AtomicLong();
        private final AtomicInteger owed = new AtomicInteger();
        private final Thread worker;
        private final Thread tokens;
        private volatile boolean stopping;

        RawTasks(String name, String queueType) throws Exception {
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
            submitChannel = connection.createChannel();
            submitChannel.confirmSelect();
            submitChannel.addConfirmListener(
                    (seq, multiple) -> confirmed(seq, multiple, true),
                    (seq, multiple) -> confirmed(seq, multiple, false));
            pipeline = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "raw-submit-pipeline");
                t.setDaemon(true);
                return t;
            });
            workerChannel = connection.createChannel();
            tokenChannel = connection.createChannel();
            worker = new Thread(this::work, "raw-worker");
            worker.setDaemon(true);
            worker.start();
            tokens = new Thread(this::takeTokens, "raw-tokens");
            tokens.setDaemon(true);
            tokens.start();
        }

        private void confirmed(long seq, boolean multiple, boolean ack) {
            if (!multiple) {
                CompletableFuture<Boolean> f = unconfirmed.remove(seq);
                if (f != null) {
                    f.complete(ack);
                }
                return;
            }
            for (Map.Entry<Long, CompletableFuture<Boolean>> e :
                    unconfirmed.headMap(seq, true).entrySet()) {
                if (unconfirmed.remove(e.getKey(), e.getValue())) {
                    e.getValue().complete(ack);
                }
            }
        }

        private CompletableFuture<Boolean> publish(String queue, AMQP.BasicProperties props, byte[] body)
                throws IOException {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            synchronized (submitChannel) {
                long seq = submitChannel.getNextPublishSeqNo();
                unconfirmed.put(seq, f);
                submitChannel.basicPublish("", queue, props, body);
            }
            return f;
        }

        /** Token, then once it is confirmed the task message; returns once both are confirmed. */
        @Override
        public CompletableFuture<?> submit(int payload) throws Exception {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Object> result = new CompletableFuture<>();
            pending.put(id, result);
            if (!publish(ledger, TOKEN, new byte[0]).get(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    || !publish(work, properties(id), body(payload)).get(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker refused a token or task");
            }
            return result;
        }

        /**
         * Token now; the task message from the pipeline thread once the token is confirmed; {@code confirmed} runs
         * once the message is confirmed.
         */
        @Override
        public CompletableFuture<?> submitAsync(int payload, Runnable confirmed) throws IOException {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Object> result = new CompletableFuture<>();
            pending.put(id, result);
            publish(ledger, TOKEN, new byte[0])
                    .thenComposeAsync(
                            ok -> {
                                if (!ok) {
                                    throw new IllegalStateException("the ledger refused a token");
                                }
                                try {
                                    return publish(work, properties(id), body(payload));
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            },
                            pipeline)
                    .whenComplete((ok, e) -> {
                        confirmed.run();
                        if (e != null || !ok) {
                            result.completeExceptionally(e != null ? e : new IllegalStateException("task refused"));
                        }
                    });
            return result;
        }

        private static byte[] body(int payload) {
            return Integer.toString(payload).getBytes(StandardCharsets.UTF_8);
        }

        /** The headers the queue's task message carries (see the RabbitMQ module's README). */
        private static AMQP.BasicProperties properties(String id) {
            Map<String, Object> h = new HashMap<>();
            Instant now = Instant.now();
            h.put("x-sp-type", NoopTasks.TYPE);
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
                    .type(NoopTasks.TYPE)
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
                    owed.incrementAndGet();
                    LockSupport.unpark(tokens);
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

        /** Takes the finished tasks' tokens back, off the worker's path (as the SDK's token thread). */
        private void takeTokens() {
            try {
                while (!stopping) {
                    if (owed.get() == 0) {
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    owed.decrementAndGet();
                    tokenChannel.basicGet(ledger, true);
                }
            } catch (Exception e) {
                if (!stopping) {
                    e.printStackTrace();
                }
            }
        }

        @Override
        public void close() throws IOException, TimeoutException {
            stopping = true;
            pipeline.shutdownNow();
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
                tokens.join(TimeUnit.SECONDS.toMillis(10));
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
