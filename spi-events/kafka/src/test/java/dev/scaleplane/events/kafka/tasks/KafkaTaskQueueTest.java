package dev.scaleplane.events.kafka.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue;
import dev.scaleplane.testing.TestProviderContext;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the kit cannot show on one queue instance: several processes (queue instances with their own clients and
 * group membership) sharing one queue, a restart replaying unfinished tasks, cancels and dead letters across
 * processes, an undecodable record, the provider, metrics and the Orchestrator, all against a real broker.
 */
class KafkaTaskQueueTest {
    private static final Duration VISIBILITY = Duration.ofMinutes(1);
    private static final TaskQueueOptions FAST_RETRY = TaskQueueOptions.builder()
            .retryPolicy(RetryPolicy.builder()
                    .fixed(Duration.ofMillis(1))
                    .jitter(0)
                    .maxAttempts(3)
                    .build())
            .build();

    private final List<TaskQueue> queues = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeQueues() {
        queues.forEach(TaskQueue::close);
    }

    private KafkaTaskQueue open(String prefix, TaskQueueOptions options, TaskClock clock, MeterRegistry registry) {
        KafkaTaskQueue q = new KafkaTaskQueue(TaskTestKafka.config(prefix), options, clock, () -> 0.5, registry);
        queues.add(q);
        return q;
    }

    private KafkaTaskQueue open(String prefix) {
        return open(prefix, FAST_RETRY, TaskClock.system(), new SimpleMeterRegistry());
    }

    /** Two members of one group, each owning one of the two partitions once the rebalance settled. */
    private List<KafkaTaskQueue> twoProcesses(String prefix) {
        KafkaTaskQueue a = open(prefix);
        KafkaTaskQueue b = open(prefix);
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        a.ownedPartitions().size() == 1 && b.ownedPartitions().size() == 1);
        return List.of(a, b);
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    @Test
    void twoProcessesShareTheTasksAndEveryHandleLearnsTheResult() {
        String prefix = TaskTestKafka.uniquePrefix("share");
        List<KafkaTaskQueue> qs = twoProcesses(prefix);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            handles.add(qs.get(0).submit(TaskRequest.of("job", i)));
        }
        Map<Integer, Integer> leasedBy = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (int i = 0; i < 2; i++) {
                for (Lease l : qs.get(i).lease("w" + i, 5, VISIBILITY)) {
                    leasedBy.merge(i, 1, Integer::sum);
                    l.complete(l.task().payload(Integer.class) * 2);
                }
            }
            return handles.stream().allMatch(h -> h.result().isDone());
        });
        for (int i = 0; i < handles.size(); i++) {
            assertThat(handles.get(i).result()).isCompletedWithValue(i * 2);
        }
        assertThat(leasedBy)
                .as("both members leased tasks of their own partition")
                .containsKeys(0, 1);
        assertThat(leasedBy.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        // The other process learns every outcome from the state topic.
        await().atMost(Duration.ofSeconds(30)).until(() -> handles.stream()
                .allMatch(h -> qs.get(1).state(h.id()).orElse(TaskState.QUEUED) == TaskState.SUCCEEDED));
        assertThat(qs.get(1).handle(handles.get(3).id()).orElseThrow().result())
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(6);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> qs.get(0).size() == 0 && qs.get(1).size() == 0);
    }

    @Test
    void aJoiningMemberTakesOverOnePartitionAndOnlyItsLeasesAreLost() {
        String prefix = TaskTestKafka.uniquePrefix("rebalance");
        KafkaTaskQueue a = open(prefix);
        assertThat(a.ownedPartitions()).containsExactlyInAnyOrder(0, 1);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            handles.add(a.submit(TaskRequest.of("job", i)));
        }
        List<Lease> held = a.lease("a", 10, VISIBILITY);
        assertThat(held).hasSize(10);
        assertThat(held).extracting(l -> partitionOf(l.task().id())).contains(0, 1);

        KafkaTaskQueue b = open(prefix);
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        a.ownedPartitions().size() == 1 && b.ownedPartitions().size() == 1);
        int moved = b.ownedPartitions().iterator().next();
        List<Lease> kept = new ArrayList<>();
        for (Lease l : held) {
            if (partitionOf(l.task().id()) == moved) {
                assertThatThrownBy(() -> l.heartbeat(VISIBILITY))
                        .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                                .isEqualTo(LeaseLostException.Reason.EXPIRED));
            } else {
                l.heartbeat(VISIBILITY);
                kept.add(l);
            }
        }
        kept.forEach(l -> l.complete("kept by a"));
        List<Lease> takenOver = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            takenOver.addAll(b.lease("b", 10, VISIBILITY));
            return takenOver.size() == 10 - kept.size();
        });
        assertThat(takenOver)
                .as("the attempt that was cut short is not counted")
                .allSatisfy(l -> assertThat(l.task().attempt()).isEqualTo(1));
        takenOver.forEach(l -> l.complete("taken over by b"));
        for (TaskHandle h : handles) {
            assertThat(h.result()).succeedsWithin(Duration.ofSeconds(30));
        }
        assertThat(a.lease("a", 10, VISIBILITY)).isEmpty();
        assertThat(b.lease("b", 10, VISIBILITY)).isEmpty();
    }

    @Test
    void concurrentSubmitsShareRoundTripsButNotIdempotencyKeysOrCapacity() throws Exception {
        int threads = 8;
        int keys = 40;
        KafkaTaskQueue q = open(
                TaskTestKafka.uniquePrefix("concurrent"),
                TaskQueueOptions.builder().capacity(keys + 60).build(),
                TaskClock.system(),
                new SimpleMeterRegistry());
        // Every thread submits the same 40 idempotency keys, then plain tasks until the queue is full.
        Map<String, Set<String>> idsByKey = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> failures = TaskTestKafka.concurrently(threads, t -> {
            for (int k = 0; k < keys; k++) {
                String idem = "idem-" + k;
                TaskHandle h = q.submit(
                        TaskRequest.builder("job", k).idempotencyKey(idem).build());
                idsByKey.computeIfAbsent(idem, x -> ConcurrentHashMap.newKeySet())
                        .add(h.id());
            }
            for (int i = 0; i < 20; i++) {
                try {
                    q.submit(TaskRequest.of("job", -1));
                    accepted.incrementAndGet();
                } catch (QueueFullException e) {
                    refused.incrementAndGet();
                }
            }
        });
        assertThat(failures).isEmpty();
        assertThat(idsByKey).hasSize(keys);
        idsByKey.forEach((key, ids) -> assertThat(ids).as("ids under %s", key).hasSize(1));
        assertThat(accepted.get())
                .as("plain tasks up to the capacity, never past it")
                .isEqualTo(60);
        assertThat(refused.get()).isEqualTo(threads * 20 - 60);
        assertThat(q.size()).isEqualTo(keys + 60);
    }

    @Test
    void aRestartedProcessReplaysItsUnfinishedTasksAndNotTheFinishedOnes() {
        String prefix = TaskTestKafka.uniquePrefix("restart");
        KafkaTaskQueue first = open(prefix);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            handles.add(first.submit(TaskRequest.of("job", i)));
        }
        List<Lease> leases = first.lease("w", 10, VISIBILITY);
        assertThat(leases).hasSize(4);
        Map<Integer, Lease> byPayload = new HashMap<>();
        leases.forEach(l -> byPayload.put(l.task().payload(Integer.class), l));
        byPayload.get(0).complete("done before the restart");
        assertThat(byPayload.get(1).fail(new IllegalStateException("first try")).state())
                .isEqualTo(TaskState.QUEUED);
        // 2 and 3 stay leased: the process "dies" with them.
        first.close();
        assertThatThrownBy(() -> byPayload.get(2).complete(null)).isInstanceOf(LeaseLostException.class);

        KafkaTaskQueue second = open(prefix);
        assertThat(second.state(handles.get(0).id())).contains(TaskState.SUCCEEDED);
        List<Lease> replayed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            replayed.addAll(second.lease("w2", 10, VISIBILITY));
            return replayed.size() >= 3;
        });
        Map<Integer, Integer> attempts = new HashMap<>();
        replayed.forEach(
                l -> attempts.put(l.task().payload(Integer.class), l.task().attempt()));
        assertThat(attempts)
                .as("the failed attempt counts; attempts that died with their process do not")
                .containsExactlyInAnyOrderEntriesOf(Map.of(1, 2, 2, 1, 3, 1));
        replayed.forEach(l -> l.complete("after"));
        assertThat(second.handle(handles.get(1).id()).orElseThrow().result())
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo("after");
        assertThat(second.lease("w2", 10, VISIBILITY)).isEmpty();
        assertThat(second.size()).isZero();
    }

    @Test
    void aCancelInAnotherProcessEndsTheOwnersLease() {
        String prefix = TaskTestKafka.uniquePrefix("cancel");
        List<KafkaTaskQueue> qs = twoProcesses(prefix);
        KafkaTaskQueue submitter = qs.get(0);
        KafkaTaskQueue owner = qs.get(1);
        int ownersPartition = owner.ownedPartitions().iterator().next();
        String key = "k0";
        for (int i = 1; partitionOf(key) != ownersPartition; i++) {
            key = "k" + i;
        }
        TaskHandle h = submitter.submit(TaskRequest.builder("job", "x").key(key).build());
        assertThat(submitter.lease("w", 1, VISIBILITY))
                .as("not the submitter's partition")
                .isEmpty();
        List<Lease> leased = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            leased.addAll(owner.lease("w", 1, VISIBILITY));
            return !leased.isEmpty();
        });
        assertThat(submitter.cancel(h.id())).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThatThrownBy(() -> leased.get(0).heartbeat(VISIBILITY))
                        .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                                .isEqualTo(LeaseLostException.Reason.CANCELLED)));
        await().atMost(Duration.ofSeconds(30)).until(() -> h.result().isCancelled());
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void deadLettersAreSeenAndRedrivenFromAnotherProcess() {
        String prefix = TaskTestKafka.uniquePrefix("dead");
        List<KafkaTaskQueue> qs = twoProcesses(prefix);
        TaskHandle h = qs.get(0)
                .submit(TaskRequest.builder("job", "payload").maxAttempts(1).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (KafkaTaskQueue q : qs) {
                for (Lease l : q.lease("w", 1, VISIBILITY)) {
                    assertThat(l.fail(new IllegalStateException("broken")).state())
                            .isEqualTo(TaskState.DEAD_LETTERED);
                    return true;
                }
            }
            return false;
        });
        assertThat(h.result()).failsWithin(Duration.ofSeconds(30));
        for (KafkaTaskQueue q : qs) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> q.deadLetters().find(h.id()).isPresent());
            TaskDeadLetter dl = q.deadLetters().find(h.id()).orElseThrow();
            assertThat(dl.reason()).isEqualTo(TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED);
            assertThat(dl.lastFailure().message()).isEqualTo("broken");
            assertThat(dl.task().payload(String.class)).isEqualTo("payload");
        }
        TaskHandle again = qs.get(1).deadLetters().redrive(h.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (KafkaTaskQueue q : qs) {
                for (Lease l : q.lease("w", 1, VISIBILITY)) {
                    assertThat(l.task().attempt()).isEqualTo(1);
                    l.complete("fixed");
                    return true;
                }
            }
            return false;
        });
        assertThat(again.result()).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("fixed");
        for (KafkaTaskQueue q : qs) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> q.deadLetters().find(h.id()).isEmpty()
                            && q.state(h.id()).orElseThrow() == TaskState.SUCCEEDED);
        }
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithTheReasonAndLosesNothing() {
        String prefix = TaskTestKafka.uniquePrefix("garbage");
        KafkaTaskQueue q = open(prefix);
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", TaskTestKafka.broker().bootstrapServers());
        try (KafkaProducer<String, byte[]> raw =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(prefix + ".tasks", 0, "k", "not a task".getBytes(StandardCharsets.UTF_8)))
                    .get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        TaskHandle after = q.submit(TaskRequest.of("job", "fine"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !q.deadLetters().list(10).isEmpty());
        TaskDeadLetter dl = q.deadLetters().list(10).get(0);
        assertThat(dl.reason()).isEqualTo(TaskDeadLetter.Reason.NON_RETRYABLE);
        assertThat(dl.task().payload(String.class)).isEqualTo("not a task");
        assertThat(dl.lastFailure().message()).isNotBlank();
        Lease lease = q.lease("w", 5, VISIBILITY).get(0);
        assertThat(lease.task().id()).isEqualTo(after.id());
    }

    @Test
    void inOneProcessCapacityAndIdempotencyKeysHoldAndABadPayloadLeavesNoTrace() {
        VirtualTaskClock clock = new VirtualTaskClock();
        KafkaTaskQueue q = open(
                TaskTestKafka.uniquePrefix("local"),
                TaskQueueOptions.builder()
                        .capacity(2)
                        .idempotencyWindow(Duration.ofMinutes(1))
                        .build(),
                clock,
                new SimpleMeterRegistry());
        assertThatThrownBy(() -> q.submit(TaskRequest.of("job", new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThat(q.size()).isZero();

        TaskHandle first =
                q.submit(TaskRequest.builder("job", "1").idempotencyKey("k").build());
        clock.advance(Duration.ofSeconds(59));
        TaskHandle again =
                q.submit(TaskRequest.builder("job", "2").idempotencyKey("k").build());
        assertThat(again.id()).isEqualTo(first.id());
        q.submit(TaskRequest.of("job", "other"));
        assertThatThrownBy(() -> q.submit(TaskRequest.of("job", "one too many")))
                .isInstanceOfSatisfying(
                        QueueFullException.class, e -> assertThat(e.capacity()).isEqualTo(2));
        List<Lease> leases = q.lease("w", 10, VISIBILITY);
        assertThat(leases).hasSize(2);
        leases.forEach(l -> l.complete(l.task().payload(String.class)));
        assertThat(again.result()).isCompletedWithValue("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(q.submit(TaskRequest.builder("job", "3").idempotencyKey("k").build())
                        .id())
                .isNotEqualTo(first.id());
    }

    @Test
    void finishedTasksAreForgottenBeyondTheRetentionCapacityAndAfterTheRetention() {
        VirtualTaskClock clock = new VirtualTaskClock();
        KafkaTaskQueue q = open(
                TaskTestKafka.uniquePrefix("retention"),
                TaskQueueOptions.builder()
                        .retention(Duration.ofMinutes(10))
                        .retentionCapacity(3)
                        .build(),
                clock,
                new SimpleMeterRegistry());
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TaskHandle h = q.submit(TaskRequest.of("job", i));
            handles.add(h);
            Lease lease = q.lease("w", 1, VISIBILITY).get(0);
            assertThat(lease.task().id()).isEqualTo(h.id());
            lease.complete(i);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.result().isDone());
        }

        // Four finished, three kept: the oldest is forgotten at once, whatever its age.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> q.state(handles.get(0).id()).isEmpty());
        for (TaskHandle h : handles.subList(1, 4)) {
            assertThat(q.state(h.id())).as(h.id()).contains(TaskState.SUCCEEDED);
        }

        // The retention passes: the rest are forgotten at the next prune (every commit interval).
        clock.advance(Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> handles.stream().allMatch(h -> q.state(h.id()).isEmpty()));
        assertThat(handles.get(3).result()).isCompletedWithValue(3);
    }

    @Test
    void theProvidersQueueTagsItsMetricsKafka() {
        String prefix = TaskTestKafka.uniquePrefix("provider");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TaskQueue q = new KafkaTaskQueueProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(TaskTestKafka.settings(prefix)))
                        .component(MeterRegistry.class, registry)
                        .build());
        queues.add(q);
        TaskHandle h = q.submit(TaskRequest.of("job", 1));
        q.lease("w", 1, VISIBILITY).get(0).complete(2);
        assertThat(h.result()).isCompletedWithValue(2);
        assertThat(registry.get(TaskQueueMetrics.SUBMITTED)
                        .tag("backend", "kafka")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(TaskQueueMetrics.SUCCEEDED)
                        .tag("backend", "kafka")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void anUnreachableBrokerFailsTheStartClearly() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> settings = Map.of(
                KafkaTaskQueueConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:" + closedPort,
                KafkaTaskQueueConfig.START_TIMEOUT,
                "2s");
        KafkaTaskQueueConfig config = KafkaTaskQueueConfig.from(ScaleplaneProperties.of(settings));
        assertThatThrownBy(() -> new KafkaTaskQueue(
                        config, TaskQueueOptions.defaults(), TaskClock.system(), () -> 0.5, new SimpleMeterRegistry()))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort);
    }
}
