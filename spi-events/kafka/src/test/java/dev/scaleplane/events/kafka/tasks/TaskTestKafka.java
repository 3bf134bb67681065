package dev.scaleplane.events.kafka.tasks;

import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.kafka.testing.KafkaBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker of the task queue tests: the JVM-wide shared real KRaft broker of the test fixture, started on first
 * use. If it cannot start, the test fails with the reason and the broker's log tail.
 */
final class TaskTestKafka {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TaskTestKafka() {}

    static KafkaBroker broker() {
        return KafkaBroker.shared();
    }

    /** A topic prefix no other test uses. */
    static String uniquePrefix(String what) {
        return "tq-" + what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
                + COUNTER.incrementAndGet();
    }

    /** Settings of a queue on the test broker: small partition count and fast group session. */
    static Map<String, String> settings(String prefix) {
        Map<String, String> m = new HashMap<>();
        m.put(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, broker().bootstrapServers());
        m.put(KafkaTaskQueueConfig.TOPIC_PREFIX, prefix);
        m.put(KafkaTaskQueueConfig.PARTITIONS, "2");
        m.put(KafkaTaskQueueConfig.SESSION_TIMEOUT, "6s");
        m.put(KafkaTaskQueueConfig.HEARTBEAT_INTERVAL, "500ms");
        m.put(KafkaTaskQueueConfig.COMMIT_INTERVAL, "100ms");
        return m;
    }

    /** A body run by each of several threads, given its index. */
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /**
     * Runs {@code body} on {@code threads} threads released at once, waits for all (two minutes at most).
     *
     * @return what the threads threw, empty if nothing
     */
    static List<Throwable> concurrently(int threads, ThreadBody body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    body.run(n);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            started.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread t : started) {
            t.join(120_000);
        }
        return failures;
    }

    static KafkaTaskQueueConfig config(String prefix) {
        return KafkaTaskQueueConfig.from(ScaleplaneProperties.of(settings(prefix)));
    }
}
