package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of the queue with the daemon thread that polls it, until the queue closes: the worker consumer ({@link
 * PartitionOwner}) and the view consumer ({@link ViewReader}). A failure that stops the thread before the queue
 * closes is kept for the start to report ({@link QueueContext#failed}); {@link #started()} is counted down when the
 * subclass says it started, or when the thread stops, whichever comes first.
 */
abstract class ConsumerThread {
    final QueueContext ctx;
    final KafkaConsumer<String, byte[]> consumer;
    private final String role;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);

    /**
     * Opens the consumer.
     *
     * @param role the consumer's role in its client id and in log messages ({@code worker}, {@code view})
     * @param group whether it joins the workers' group
     * @param threadName what names its thread, before the topic prefix
     */
    ConsumerThread(QueueContext ctx, String role, boolean group, String threadName) {
        this.ctx = ctx;
        this.role = role;
        consumer = new KafkaConsumer<>(
                ctx.config.consumerProperties(role, group), new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, threadName + ctx.config.topicPrefix());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Counted down once the subclass {@link #markStarted()}, or when the thread stops. */
    CountDownLatch started() {
        return started;
    }

    void markStarted() {
        started.countDown();
    }

    /** Waits for the thread to stop, unless it is the calling thread; it stops within one poll of the queue closing. */
    void join() {
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls until the queue closes. */
    abstract void poll() throws InterruptedException;

    /**
     * Whether a record of a poll needs nothing from this consumer (this process's own write, applied already), so it
     * is not even decoded; under the monitor. A record that needs something is checked again before it is applied.
     */
    abstract boolean skip(ConsumerRecord<String, byte[]> rec);

    /**
     * The records of one poll that {@link #skip} does not rule out, picked under the monitor in one acquisition, for
     * the subclass to decode after releasing it: the monitor is shared by every submitter and worker, and decoding
     * JSON needs none of its state.
     */
    final List<ConsumerRecord<String, byte[]>> toDecode(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        if (records.isEmpty()) {
            return out;
        }
        synchronized (ctx.lock) {
            for (ConsumerRecord<String, byte[]> rec : records) {
                if (!skip(rec)) {
                    out.add(rec);
                }
            }
        }
        return out;
    }

    private void run() {
        try {
            poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.failed(e);
        } catch (WakeupException e) {
            if (!ctx.closed()) {
                ctx.failed(e);
            }
        } catch (RuntimeException e) {
            if (!ctx.closed()) {
                ctx.failed(e);
                log.error(
                        "Kafka task queue {}: the {} consumer stopped: {}",
                        ctx.config.topicPrefix(),
                        role,
                        e.toString(),
                        e);
            }
        } finally {
            started.countDown();
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("closing the {} consumer: {}", role, e.toString());
            }
        }
    }
}
