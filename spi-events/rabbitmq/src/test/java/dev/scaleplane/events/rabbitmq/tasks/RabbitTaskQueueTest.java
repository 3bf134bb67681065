package dev.scaleplane.events.rabbitmq.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the TCK cannot see: several processes (queue instances with their own connections) sharing one queue, a
 * process dying with a lease, delays riding the TTL wait queues on real time, undecodable messages, the consumer
 * timeout cap, and the provider.
 */
class RabbitTaskQueueTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final RetryPolicy ONCE = RetryPolicy.builder().maxAttempts(1).build();

    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perTest();

    private final List<TaskQueue> queues = new ArrayList<>();

    @AfterEach
    void closeQueues() {
        queues.forEach(TaskQueue::close);
    }

    private static Map<String, String> settings(String queue) {
        Map<String, String> m = vhost.taskQueueSettings(queue);
        m.put(RabbitTaskQueueConfig.IDLE_POLL_INTERVAL, "20ms");
        return m;
    }

    private RabbitTaskQueue open(Map<String, String> settings, TaskQueueOptions options, TaskClock clock) {
        RabbitTaskQueueConfig config = RabbitTaskQueueConfig.from(ScaleplaneProperties.of(settings));
        RabbitTaskQueue q = new RabbitTaskQueue(config, options, clock, () -> 0.5);
        queues.add(q);
        return q;
    }

    private static List<Lease> awaitLeases(TaskQueue q, String worker, int n) {
        List<Lease> got = new ArrayList<>();
        await().atMost(LONG).until(() -> {
            got.addAll(q.lease(worker, n - got.size(), Duration.ofMinutes(1)));
            return got.size() >= n;
        });
        return got;
    }

    @Test
    void twoProcessesShareTasksCapacityResultsAndDeadLetters() {
        String name = SharedRabbit.uniqueName("shared");
        TaskQueueOptions options =
                TaskQueueOptions.builder().capacity(3).retryPolicy(ONCE).build();
        RabbitTaskQueue a = open(settings(name), options, TaskClock.system());
        RabbitTaskQueue b = open(settings(name), options, TaskClock.system());

        TaskHandle ok = a.submit(TaskRequest.of("job", "ok"));
        TaskHandle bad = a.submit(TaskRequest.of("job", "bad"));
        b.submit(TaskRequest.of("job", "from-b"));
        assertThatThrownBy(() -> a.submit(TaskRequest.of("job", "one too many")))
                .isInstanceOf(QueueFullException.class);
        assertThat(b.size()).isEqualTo(3);

        List<Lease> leases = awaitLeases(b, "worker-b", 3);
        for (Lease l : leases) {
            switch (l.task().payload(String.class)) {
                case "bad" -> assertThat(
                                l.fail(new IllegalStateException("boom")).state())
                        .isEqualTo(TaskState.DEAD_LETTERED);
                default -> l.complete("done:" + l.task().payload(String.class));
            }
        }
        // the submitter learns outcomes decided in the other process
        assertThat(ok.result()).succeedsWithin(LONG).isEqualTo("done:ok");
        await().atMost(LONG).until(() -> a.state(ok.id()).orElseThrow() == TaskState.SUCCEEDED);
        assertThat(bad.result())
                .failsWithin(LONG)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(TaskFailedException.class);
        assertThat(a.size()).isZero();

        // the dead letters are shared: the submitter redrives what failed in the other process
        TaskDeadLetter dl = a.deadLetters().find(bad.id()).orElseThrow();
        assertThat(dl.lastFailure().workerId()).isEqualTo("worker-b");
        assertThat(dl.lastFailure().message()).isEqualTo("boom");
        TaskHandle again = a.deadLetters().redrive(bad.id());
        Lease retry = awaitLeases(b, "worker-b", 1).get(0);
        assertThat(retry.task().id()).isEqualTo(bad.id());
        assertThat(retry.task().attempt()).isEqualTo(1);
        retry.complete(42);
        assertThat(again.result()).succeedsWithin(LONG).isEqualTo(42);
    }

    @Test
    void aKeyIsLeasedToOneProcessAtATime() {
        String name = SharedRabbit.uniqueName("keys");
        RabbitTaskQueue a = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        RabbitTaskQueue b = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        TaskHandle first =
                a.submit(TaskRequest.builder("job", "1").key("acct-1").build());
        TaskHandle second =
                a.submit(TaskRequest.builder("job", "2").key("acct-1").build());
        TaskHandle other =
                a.submit(TaskRequest.builder("job", "3").key("acct-2").build());
        Lease inA = awaitLeases(a, "worker-a", 1).get(0);
        assertThat(inA.task().id()).isEqualTo(first.id());
        List<Lease> inB = awaitLeases(b, "worker-b", 1);
        assertThat(inB).extracting(l -> l.task().id()).containsExactly(other.id());
        assertThat(b.lease("worker-b", 5, Duration.ofMinutes(1)))
                .as("acct-1 is held by a")
                .isEmpty();
        inA.complete(null);
        Lease next = awaitLeases(b, "worker-b", 1).get(0);
        assertThat(next.task().id()).isEqualTo(second.id());
        next.complete(null);
        inB.get(0).complete(null);
        assertThat(second.result()).succeedsWithin(LONG);
    }

    @Test
    void anIdempotencyKeyIsOneTaskAcrossProcesses() {
        String name = SharedRabbit.uniqueName("idem");
        RabbitTaskQueue a = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        RabbitTaskQueue b = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        TaskHandle inA = a.submit(
                TaskRequest.builder("job", "first").idempotencyKey("order-7").build());
        TaskHandle inB = b.submit(
                TaskRequest.builder("job", "second").idempotencyKey("order-7").build());
        assertThat(inB.id()).isEqualTo(inA.id());
        assertThat(b.size()).isEqualTo(1);
        Lease lease = awaitLeases(b, "worker-b", 1).get(0);
        assertThat(lease.task().payload(String.class)).isEqualTo("first");
        lease.complete("once");
        assertThat(inB.result()).succeedsWithin(LONG).isEqualTo("once");
        assertThat(inA.result()).succeedsWithin(LONG).isEqualTo("once");
        assertThat(b.lease("worker-b", 1, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void aTaskThatLapsesInOneProcessAndSucceedsInAnotherFreesItsSlot() {
        String name = SharedRabbit.uniqueName("slot");
        TaskQueueOptions one = TaskQueueOptions.builder().capacity(1).build();
        RabbitTaskQueue a = open(settings(name), one, TaskClock.system());
        RabbitTaskQueue b = open(settings(name), one, TaskClock.system());
        TaskHandle h = a.submit(TaskRequest.of("job", "slow"));
        List<Lease> inB = new ArrayList<>();
        await().atMost(LONG).until(() -> {
            inB.addAll(b.lease("worker-b", 1, Duration.ofMillis(300)));
            return !inB.isEmpty();
        });
        // b's lease lapses; b hands the task back with the lapse in its history, a picks it up
        Lease inA = awaitLeases(a, "worker-a", 1).get(0);
        assertThat(inA.task().id()).isEqualTo(h.id());
        assertThat(inA.task().attempt()).isEqualTo(2);
        assertThatThrownBy(() -> inB.get(0).complete("late")).isInstanceOf(LeaseLostException.class);
        inA.complete("done");
        assertThat(a.size()).isZero();
        assertThat(b.submit(TaskRequest.of("job", "fits again")).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void metricsCountWhatThisProcessDid() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RabbitTaskQueueConfig config =
                RabbitTaskQueueConfig.from(ScaleplaneProperties.of(settings(SharedRabbit.uniqueName("metrics"))));
        VirtualTaskClock clock = new VirtualTaskClock();
        RabbitTaskQueue q = new RabbitTaskQueue(config, TaskQueueOptions.defaults(), clock, () -> 0.5, registry);
        queues.add(q);
        q.submit(TaskRequest.of("job", "a"));
        q.submit(TaskRequest.of("job", "b"));
        List<Lease> leases = q.lease("w", 2, Duration.ofSeconds(30));
        assertThat(registry.get(TaskQueueMetrics.LEASED).gauge().value()).isEqualTo(2);
        leases.get(0).complete(null);
        clock.advance(Duration.ofSeconds(30));
        assertThat(q.state(leases.get(1).task().id())).contains(TaskState.QUEUED);
        assertThat(registry.get(TaskQueueMetrics.SUBMITTED).functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get(TaskQueueMetrics.SUCCEEDED).functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get(TaskQueueMetrics.LEASE_EXPIRED)
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(TaskQueueMetrics.RETRIED).functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get(TaskQueueMetrics.LEASED).gauge().value()).isZero();
        assertThat(registry.get(TaskQueueMetrics.WAIT).timer().count()).isEqualTo(2);
        q.close();
        assertThat(registry.find(TaskQueueMetrics.SUBMITTED).functionCounter()).isNull();
    }

    @Test
    void anUnreachableBrokerOrAnotherCapacityFailsTheStartClearly() throws Exception {
        Map<String, String> nowhere = settings(SharedRabbit.uniqueName("nowhere"));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        nowhere.put(RabbitTaskQueueConfig.PORT, String.valueOf(closedPort));
        nowhere.put(RabbitTaskQueueConfig.CONNECTION_TIMEOUT, "2s");
        assertThatThrownBy(() -> open(nowhere, TaskQueueOptions.defaults(), TaskClock.system()))
                .isInstanceOf(dev.scaleplane.api.BackendUnreachableException.class)
                .hasMessageContaining("RabbitMQ broker 127.0.0.1:" + closedPort + " (" + RabbitTaskQueueConfig.HOST
                        + ", " + RabbitTaskQueueConfig.PORT + ") is unreachable: connection refused");

        String name = SharedRabbit.uniqueName("capacity");
        open(settings(name), TaskQueueOptions.builder().capacity(5).build(), TaskClock.system());
        assertThatThrownBy(() -> open(
                        settings(name), TaskQueueOptions.builder().capacity(6).build(), TaskClock.system()))
                .isInstanceOf(dev.scaleplane.api.ScaleplaneException.class)
                .hasMessageContaining("x-max-length");
    }

    @Test
    void aTypeFilterLeavesOtherTypesToOtherProcessesAtOnce() {
        String name = SharedRabbit.uniqueName("types");
        RabbitTaskQueue a = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        RabbitTaskQueue b = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        TaskHandle email = a.submit(TaskRequest.of("email", "hello"));
        TaskHandle report = a.submit(TaskRequest.of("report", "q3"));
        List<Lease> reports = a.lease("reporter", 5, Duration.ofMinutes(1), java.util.Set.of("report"));
        assertThat(reports).extracting(l -> l.task().id()).containsExactly(report.id());
        // the email task a fetched and passed over is back in the broker, not held by a
        Lease inB = b.lease("mailer", 5, Duration.ofMinutes(1)).get(0);
        assertThat(inB.task().id()).isEqualTo(email.id());
        inB.complete(null);
        reports.get(0).complete(null);
        assertThat(a.size()).isZero();
    }

    @Test
    void thePlatformSelectsTheRabbitQueueAndRejectsItsBadSettingsWhenBuilt() {
        Map<String, String> settings = settings(SharedRabbit.uniqueName("platform"));
        settings.put("scaleplane.events.provider", "memory");
        settings.put("scaleplane.tasks.provider", "rabbitmq");
        VirtualTaskClock clock = new VirtualTaskClock();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(settings))
                .taskClock(clock)
                .build()) {
            assertThat(platform.tasks()).isInstanceOf(RabbitTaskQueue.class);
            TaskHandle h = platform.tasks().submit(TaskRequest.of("deploy", "service-a"));
            Lease lease = platform.tasks().lease("w", 1, Duration.ofMinutes(1)).get(0);
            lease.complete("deployed");
            assertThat(h.result()).isCompletedWithValue("deployed");
        }
        settings.put(RabbitTaskQueueConfig.PREFIX + "queue-typ", "classic");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(settings))
                        .build()
                        .close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("did you mean " + RabbitTaskQueueConfig.QUEUE_TYPE);
    }

    @Test
    void fewerBandsKeepPrioritiesAcrossBandsAndOrderOfArrivalWithinOne() {
        Map<String, String> s = settings(SharedRabbit.uniqueName("bands"));
        s.put(RabbitTaskQueueConfig.PRIORITY_BANDS, "2");
        RabbitTaskQueue q = open(s, TaskQueueOptions.defaults(), new VirtualTaskClock());
        for (TaskPriority p :
                List.of(TaskPriority.LOWEST, TaskPriority.NORMAL, TaskPriority.LOW, TaskPriority.HIGHEST)) {
            q.submit(TaskRequest.builder("job", p.name()).priority(p).build());
        }
        // HIGHEST and NORMAL share the first band, in the order they came; LOWEST and LOW the second
        assertThat(q.lease("w", 4, Duration.ofMinutes(1)))
                .extracting(l -> l.task().payload(String.class))
                .containsExactly("NORMAL", "HIGHEST", "LOWEST", "LOW");
    }

    @Test
    void aCancelInOneProcessStopsTheTaskInTheOther() {
        String name = SharedRabbit.uniqueName("cancel");
        RabbitTaskQueue a = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        RabbitTaskQueue b = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        TaskHandle leased = a.submit(TaskRequest.of("job", "leased"));
        Lease lease = awaitLeases(b, "worker-b", 1).get(0);
        TaskHandle queued = a.submit(TaskRequest.of("job", "queued"));
        assertThat(leased.cancel()).isTrue();
        assertThat(queued.cancel()).isTrue();
        await().atMost(LONG).untilAsserted(() -> assertThatThrownBy(() -> lease.heartbeat(Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> assertThat(e.reason())
                        .isEqualTo(LeaseLostException.Reason.CANCELLED)));
        // b drops the cancelled queued task when it finds it, and its token with it
        List<Lease> handedOut = new ArrayList<>();
        await().atMost(LONG).until(() -> {
            handedOut.addAll(b.lease("worker-b", 5, Duration.ofMinutes(1)));
            return b.size() == 0;
        });
        assertThat(handedOut).isEmpty();
        assertThat(queued.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aLeaseHeldByAProcessThatDiesGoesBackToTheBroker() {
        String name = SharedRabbit.uniqueName("crash");
        RabbitTaskQueue a = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        RabbitTaskQueue b = open(settings(name), TaskQueueOptions.defaults(), TaskClock.system());
        TaskHandle h = b.submit(TaskRequest.of("job", "survivor"));
        Lease dying = awaitLeases(a, "worker-a", 1).get(0);
        assertThat(b.lease("worker-b", 1, Duration.ofMinutes(1))).isEmpty();
        a.close(); // the connection closes: the broker returns the unacknowledged delivery
        assertThatThrownBy(() -> dying.complete("too late")).isInstanceOf(LeaseLostException.class);
        Lease survivor = awaitLeases(b, "worker-b", 1).get(0);
        assertThat(survivor.task().id()).isEqualTo(h.id());
        survivor.complete("ok");
        assertThat(h.result()).succeedsWithin(LONG).isEqualTo("ok");
    }

    @Test
    void longDelaysRideTheTtlWaitQueuesOnRealTime() throws Exception {
        String name = SharedRabbit.uniqueName("ttl");
        Map<String, String> s = settings(name);
        s.put(RabbitTaskQueueConfig.HOLD_LIMIT, "300ms");
        s.put(RabbitTaskQueueConfig.DELAY_BUCKETS, "250ms,3s");
        RabbitTaskQueue q = open(s, TaskQueueOptions.defaults(), TaskClock.system());
        Instant notBefore = Instant.now().plusMillis(4_000);
        TaskHandle h = q.submit(
                TaskRequest.builder("job", "later").notBefore(notBefore).build());
        try (Connection c = vhost.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            assertThat(ch.messageCount(name + ".wait.3000ms")).isEqualTo(1);
        }
        List<Lease> got = new ArrayList<>();
        await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<Lease> leases = q.lease("w", 1, Duration.ofMinutes(1));
            for (Lease l : leases) {
                // the lease was granted at expiresAt - 1 min, on the queue's clock
                assertThat(l.expiresAt().minus(Duration.ofMinutes(1)))
                        .as("not leased before its time")
                        .isAfterOrEqualTo(notBefore);
            }
            got.addAll(leases);
            return !got.isEmpty();
        });
        assertThat(got.get(0).task().id()).isEqualTo(h.id());
        assertThat(Instant.now()).isAfterOrEqualTo(notBefore);
    }

    @Test
    void anUndecodableMessageIsDeadLetteredWithTheReasonAndItsBytes() throws Exception {
        String name = SharedRabbit.uniqueName("garbage");
        RabbitTaskQueue q = open(settings(name), TaskQueueOptions.defaults(), new VirtualTaskClock());
        try (Connection c = vhost.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            ch.basicPublish(
                    "",
                    name + ".p2",
                    new AMQP.BasicProperties.Builder()
                            .messageId("not-a-task")
                            .deliveryMode(2)
                            .build(),
                    new byte[] {1, 2, 3});
        }
        // the lease call that finds it moves it to the dead letters and hands out nothing
        assertThat(q.lease("w", 1, Duration.ofMinutes(1))).isEmpty();
        TaskDeadLetter dl = q.deadLetters().find("not-a-task").orElseThrow();
        assertThat(dl.reason()).isEqualTo(TaskDeadLetter.Reason.NON_RETRYABLE);
        assertThat(dl.lastFailure().message()).contains("x-sp-type");
        assertThat(dl.task().payload(byte[].class)).containsExactly(1, 2, 3);
        assertThat(q.deadLetters().discard("not-a-task")).isTrue();
        assertThat(q.deadLetters().list(10)).isEmpty();
    }

    @Test
    void heartbeatsStopShortOfTheBrokersConsumerTimeout() {
        Map<String, String> s = settings(SharedRabbit.uniqueName("timeout"));
        s.put(RabbitTaskQueueConfig.CONSUMER_TIMEOUT, "20s");
        s.put(RabbitTaskQueueConfig.HOLD_LIMIT, "1s");
        s.put(RabbitTaskQueueConfig.DELAY_BUCKETS, "1s");
        VirtualTaskClock clock = new VirtualTaskClock();
        RabbitTaskQueue q = open(s, TaskQueueOptions.defaults(), clock);
        q.submit(TaskRequest.of("job", "long"));
        Lease lease = q.lease("w", 1, Duration.ofHours(1)).get(0);
        // 20 s consumer timeout less the 5 s safety margin, less the real time since the grant
        assertThat(lease.expiresAt()).isBeforeOrEqualTo(clock.now().plusSeconds(15));
        assertThat(lease.heartbeat(Duration.ofHours(1)))
                .isBeforeOrEqualTo(clock.now().plusSeconds(15));
        assertThat(lease.heartbeat(Duration.ofSeconds(1))).isEqualTo(clock.now().plusSeconds(1));
    }
}
