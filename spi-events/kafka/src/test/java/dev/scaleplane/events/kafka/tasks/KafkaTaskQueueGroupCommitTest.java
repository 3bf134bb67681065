package dev.scaleplane.events.kafka.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplane.api.BackendUnreachableException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Group commit of the Kafka task queue's writes: submits and completions of many threads are acknowledged together,
 * and yet every one is durable, the records of one key stay in submit order, and a write the broker does not take
 * fails exactly its callers with an error naming the brokers' setting. Asynchronous submits and lease ends of one
 * thread share acknowledgements the same way.
 */
class KafkaTaskQueueGroupCommitTest {
    private static final Duration VISIBILITY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void concurrentSubmittersShareAcknowledgementsAndEveryTaskIsDurableInOrderPerKey() throws Exception {
        int threads = 8;
        int perThread = 60;
        String prefix = TaskTestKafka.uniquePrefix("group-commit");
        KafkaTaskQueueConfig config = TaskTestKafka.config(prefix);
        KafkaTaskQueue q = open(config);
        try {
            // Thread t submits payloads 0..59 with key "key-t", one after another, all threads at once.
            List<TaskHandle> handles = new CopyOnWriteArrayList<>();
            List<Throwable> failures = TaskTestKafka.concurrently(threads, t -> {
                for (int i = 0; i < perThread; i++) {
                    handles.add(q.submit(
                            TaskRequest.builder("job", i).key("key-" + t).build()));
                }
            });
            assertThat(failures).isEmpty();
            assertThat(handles).hasSize(threads * perThread);
            long[] counts = q.groupCommitCounts();
            assertThat(counts[1])
                    .as("acknowledged writes %d were applied in fewer groups", counts[0])
                    .isLessThan(counts[0]);

            // Durable: every task record is in the topic, each key's records in submit order.
            Map<String, List<Integer>> recordsByKey = readTaskRecords(config, threads * perThread);
            assertThat(recordsByKey).hasSize(threads);
            List<Integer> inOrder =
                    java.util.stream.IntStream.range(0, perThread).boxed().toList();
            recordsByKey.forEach((key, payloads) -> assertThat(payloads).as(key).isEqualTo(inOrder));

            // Leased one per key at a time (the per-key mutex), in submit order; completions of all keys grouped.
            Map<String, List<Integer>> leasedByKey = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<Lease> leases = q.lease("w", threads, VISIBILITY);
                List<Thread> completers = new ArrayList<>();
                for (Lease l : leases) {
                    leasedByKey
                            .computeIfAbsent(l.task().request().key(), k -> new CopyOnWriteArrayList<>())
                            .add(l.task().payload(Integer.class));
                    Thread c = new Thread(() -> l.complete(null));
                    completers.add(c);
                    c.start();
                }
                for (Thread c : completers) {
                    c.join();
                }
                return handles.stream().allMatch(h -> h.result().isDone());
            });
            leasedByKey.forEach((key, payloads) -> assertThat(payloads).as(key).isEqualTo(inOrder));
            for (TaskHandle h : handles) {
                assertThat(h.result()).isCompleted().isNotCompletedExceptionally();
            }
        } finally {
            q.close();
        }
    }

    @Test
    void asynchronousSubmitsOfOneThreadShareAcknowledgementsKeepTheirOrderAndMayWaitInDependentStages()
            throws Exception {
        int tasks = 300;
        int keys = 3;
        String prefix = TaskTestKafka.uniquePrefix("group-commit-async");
        KafkaTaskQueueConfig config = TaskTestKafka.config(prefix);
        KafkaTaskQueue q = open(config);
        try {
            long[] before = q.groupCommitCounts();
            List<CompletableFuture<TaskHandle>> submitted = new ArrayList<>();
            List<String> callbackThreads = new CopyOnWriteArrayList<>();
            List<TaskHandle> followUps = new CopyOnWriteArrayList<>();
            for (int i = 0; i < tasks; i++) {
                CompletableFuture<TaskHandle> f = q.submitAsync(
                        TaskRequest.builder("job", i).key("key-" + (i % keys)).build());
                if (i == 0) {
                    // A dependent stage that submits and waits must not wait on the thread that would release it.
                    f.thenAccept(h -> {
                        callbackThreads.add(Thread.currentThread().getName());
                        followUps.add(q.submit(
                                TaskRequest.builder("job", -1).key("follow-up").build()));
                    });
                }
                submitted.add(f);
            }
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> followUps.size() == 1);
            assertThat(callbackThreads)
                    .as("no dependent stage runs on the group-commit thread")
                    .noneMatch(name -> name.startsWith("scaleplane-kafka-tasks-acks-"));
            long[] after = q.groupCommitCounts();
            assertThat(after[1] - before[1])
                    .as("%d acknowledged writes of one thread were applied in fewer groups", after[0] - before[0])
                    .isLessThan(after[0] - before[0]);

            // Durable and in submit order per key, as if each had been submitted synchronously.
            Map<String, List<Integer>> recordsByKey = readTaskRecords(config, tasks + 1);
            for (int k = 0; k < keys; k++) {
                int key = k;
                assertThat(recordsByKey.get("key-" + k))
                        .as("key-%d", k)
                        .isEqualTo(java.util.stream.IntStream.range(0, tasks)
                                .filter(i -> i % keys == key)
                                .boxed()
                                .toList());
            }
            List<TaskHandle> handles = new ArrayList<>();
            for (CompletableFuture<TaskHandle> f : submitted) {
                handles.add(f.join());
            }
            handles.addAll(followUps);
            assertThat(handles.stream().map(TaskHandle::id).distinct()).hasSize(tasks + 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (Lease l : q.lease("w", 50, VISIBILITY)) {
                    l.complete(null);
                }
                return handles.stream().allMatch(h -> h.result().isDone());
            });
        } finally {
            q.close();
        }
    }

    @Test
    void asynchronousCompletionsOfOneThreadAreOutstandingTogetherAndCompleteAfterTheirHandles() throws Exception {
        int tasks = 200;
        String prefix = TaskTestKafka.uniquePrefix("group-commit-complete-async");
        KafkaTaskQueue q = open(TaskTestKafka.config(prefix));
        try {
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                handles.add(q.submitAsync(TaskRequest.of("job", i)).get(60, TimeUnit.SECONDS));
            }
            List<Lease> leases = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                leases.addAll(q.lease("w", tasks, VISIBILITY));
                return leases.size() == tasks;
            });
            Map<String, TaskHandle> byId = new HashMap<>();
            handles.forEach(h -> byId.put(h.id(), h));

            long[] before = q.groupCommitCounts();
            List<CompletableFuture<?>> ended = new ArrayList<>();
            List<String> callbackThreads = new CopyOnWriteArrayList<>();
            List<Boolean> handleDoneFirst = new CopyOnWriteArrayList<>();
            List<TaskHandle> followUps = new CopyOnWriteArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Lease l = leases.get(i);
                TaskHandle h = byId.get(l.task().id());
                // Every other one fails (a retry); the rest succeed. None is awaited before the next is handed over.
                CompletableFuture<?> f = i % 2 == 0
                        ? l.completeAsync(l.task().payload(Integer.class))
                        : l.failAsync(new IllegalStateException("attempt " + i));
                if (i % 2 == 0) {
                    f.thenRun(() -> {
                        callbackThreads.add(Thread.currentThread().getName());
                        handleDoneFirst.add(h.result().isDone());
                    });
                }
                if (i == 0) {
                    // A dependent stage may call the queue and wait: it does not run on the acknowledging thread.
                    f.thenRun(() -> followUps.add(q.submit(TaskRequest.of("job", -1))));
                }
                ended.add(f);
            }
            CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long[] after = q.groupCommitCounts();
            assertThat(after[1] - before[1])
                    .as("%d outcomes of one thread were acknowledged in fewer groups", after[0] - before[0])
                    .isLessThan(after[0] - before[0]);
            assertThat(callbackThreads)
                    .hasSize(tasks / 2)
                    .noneMatch(name -> name.startsWith("scaleplane-kafka-tasks-acks-"));
            assertThat(handleDoneFirst)
                    .as("the handle completed before completeAsync")
                    .containsOnly(true);
            await().atMost(Duration.ofSeconds(30)).until(() -> followUps.size() == 1);
            for (int i = 0; i < tasks; i++) {
                Lease l = leases.get(i);
                TaskHandle h = byId.get(l.task().id());
                if (i % 2 == 0) {
                    assertThat(h.result()).isCompletedWithValue(l.task().payload(Integer.class));
                } else {
                    assertThat(((Lease.FailureOutcome) ended.get(i).join()).state())
                            .isEqualTo(TaskState.QUEUED);
                    assertThat(h.result()).isNotDone();
                }
            }
        } finally {
            q.close();
        }
    }

    @Test
    void aWriteTheBrokerDoesNotTakeFailsExactlyItsCallersNamingTheSetting() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().build().start()) {
            Map<String, String> settings = TaskTestKafka.settings(TaskTestKafka.uniquePrefix("group-commit-fail"));
            settings.put(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            settings.put(KafkaTaskQueueConfig.SEND_TIMEOUT, "2s");
            KafkaTaskQueue q = open(KafkaTaskQueueConfig.from(ScaleplaneProperties.of(settings)));
            try {
                TaskHandle before = q.submit(TaskRequest.of("job", -1));
                broker.stop();
                int threads = 4;
                List<TaskHandle> accepted = new CopyOnWriteArrayList<>();
                List<Throwable> failures =
                        TaskTestKafka.concurrently(threads, t -> accepted.add(q.submit(TaskRequest.of("job", t))));
                assertThat(accepted).isEmpty();
                assertThat(failures).hasSize(threads).allSatisfy(e -> assertThat(e)
                        .isInstanceOfSatisfying(BackendUnreachableException.class, u -> {
                            assertThat(u.setting()).isEqualTo(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS);
                            assertThat(u.addresses()).isEqualTo(broker.bootstrapServers());
                        })
                        .hasMessageContaining(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS)
                        .hasMessageContaining("submit"));
                // An asynchronous submit fails its future the same way, and does not throw.
                CompletableFuture<TaskHandle> async = q.submitAsync(TaskRequest.of("job", threads));
                assertThat(async)
                        .failsWithin(Duration.ofSeconds(30))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOf(BackendUnreachableException.class)
                        .withMessageContaining(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS);
                assertThat(q.size())
                        .as("the failed submits hold no place under the capacity")
                        .isEqualTo(1);

                // The broker back: the queue works again, and only the acknowledged task is there to run (a
                // rebalance after the restart may take a lease away: lease again until it is done).
                broker.restart();
                java.util.Set<String> leasedIds = ConcurrentHashMap.newKeySet();
                // What the loop saw, for the failure message: this wait timed out once in a CI run (session 13),
                // with nothing logged, and never in 12 runs in isolation.
                AtomicInteger emptyLeases = new AtomicInteger();
                List<String> loopFailures = new CopyOnWriteArrayList<>();
                try {
                    await().atMost(Duration.ofSeconds(90)).until(() -> {
                        try {
                            List<Lease> leases = q.lease("w", 10, VISIBILITY);
                            if (leases.isEmpty()) {
                                emptyLeases.incrementAndGet();
                            }
                            for (Lease l : leases) {
                                leasedIds.add(l.task().id());
                                l.complete("after");
                            }
                        } catch (RuntimeException e) {
                            if (loopFailures.size() < 20) {
                                loopFailures.add(e.toString());
                            }
                        }
                        return before.result().isDone();
                    });
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError(
                            "task " + before.id() + " not completed 90 s after the broker restart; leased " + leasedIds
                                    + ", empty lease calls " + emptyLeases.get() + ", lease/complete failures "
                                    + loopFailures,
                            e);
                }
                assertThat(leasedIds).containsExactly(before.id());
                assertThat(before.result()).isCompletedWithValue("after");
            } finally {
                q.close();
            }
        }
    }

    @Test
    void resultCallbacksRunOnTheCompletingCallerAndMaySubmitFollowUps() {
        KafkaTaskQueue q = open(TaskTestKafka.config(TaskTestKafka.uniquePrefix("group-commit-callback")));
        try {
            int tasks = 20;
            List<TaskHandle> followUps = new CopyOnWriteArrayList<>();
            List<String> callbackThreads = new CopyOnWriteArrayList<>();
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TaskHandle h = q.submit(TaskRequest.of("first", i));
                // A follow-up submitted from the callback must not wait on the thread that applies acknowledgements.
                h.result().thenAccept(r -> {
                    callbackThreads.add(Thread.currentThread().getName());
                    followUps.add(q.submit(TaskRequest.of("second", r)));
                });
                handles.add(h);
            }
            int done = 0;
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (done < tasks && System.nanoTime() < until) {
                for (Lease l : q.lease("w", 5, VISIBILITY, java.util.Set.of("first"))) {
                    long started = System.nanoTime();
                    l.complete(l.task().payload(Integer.class));
                    done++;
                    // Returned only after its own result's callback ran (and its follow-up was acknowledged).
                    assertThat(followUps)
                            .as(
                                    "follow-ups once %s returned after %d ms",
                                    l.task().id(), (System.nanoTime() - started) / 1_000_000)
                            .hasSize(done);
                }
            }
            assertThat(done).isEqualTo(tasks);
            assertThat(callbackThreads)
                    .as("no callback runs on the group-commit thread")
                    .noneMatch(name -> name.startsWith("scaleplane-kafka-tasks-acks-"));
            for (TaskHandle f : followUps) {
                assertThat(q.state(f.id())).isPresent();
            }
        } finally {
            q.close();
        }
    }

    private static KafkaTaskQueue open(KafkaTaskQueueConfig config) {
        return new KafkaTaskQueue(
                config, TaskQueueOptions.defaults(), TaskClock.system(), () -> 0.5, new SimpleMeterRegistry());
    }

    /** Reads the tasks topic from the beginning until {@code expected} task records came: payloads per key. */
    private static Map<String, List<Integer>> readTaskRecords(KafkaTaskQueueConfig config, int expected)
            throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", config.consumerProperties("check", false).get("bootstrap.servers"));
        Map<String, List<Integer>> byKey = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(config.tasksTopic())
                    .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int seen = 0;
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen < expected && System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode n = JSON.readTree(rec.value());
                    if (n.path("kind").asText().equals("task")) {
                        byKey.computeIfAbsent(rec.key(), k -> new ArrayList<>())
                                .add(n.path("payload").asInt());
                        seen++;
                    }
                }
            }
        }
        return byKey;
    }
}
