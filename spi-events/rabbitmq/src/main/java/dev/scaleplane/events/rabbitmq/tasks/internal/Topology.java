package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.Channel;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The RabbitMQ objects of one task queue: their names, their declarations, and where a task message goes. Immutable;
 * thread-safe.
 *
 * <h2>Topology (base name {@code Q} = {@link RabbitTaskQueueConfig#queue()})</h2>
 *
 * <ul>
 *   <li>{@code Q.p0} .. {@code Q.p4}: one work queue per {@linkplain TaskPriority priority band}, because quorum
 *       queues on RabbitMQ 3.10 do not support {@code x-max-priority}; with fewer
 *       {@linkplain RabbitTaskQueueConfig#priorityBands() bands}, neighbouring priorities share a queue and are
 *       first-in first-out among themselves.
 *   <li>{@code Q.delayed}: tasks that are not ready yet (delayed submissions and retry backoffs), with their ready
 *       time in a header.
 *   <li>{@code Q.wait.<ms>}: one TTL queue per {@linkplain RabbitTaskQueueConfig#delayBuckets() delay bucket}, each
 *       with one fixed {@code x-message-ttl} (so that expiry at the head is in order) dead-lettering into
 *       {@code Q.delayed}; they carry delays longer than the hold limit.
 *   <li>{@code Q.dead}: dead letters with their failure history, {@code x-max-length} = the dead-letter capacity,
 *       {@code x-overflow=drop-head} (the oldest are dropped).
 *   <li>{@code Q.ledger}: one empty message per unfinished task, {@code x-max-length} = the capacity,
 *       {@code x-overflow=reject-publish}: a rejected token is a broker nack and fails the submission with
 *       {@link QueueFullException}, across every process sharing the queue.
 *   <li>{@code Q.events}: the fanout exchange of state changes ({@link TaskEvents}).
 *   <li>{@code Q.lock.<sha>} and {@code Q.idem.<sha>}: a leased key's lock ({@link KeyLocks}) and an idempotency
 *       key's claim ({@link IdempotencyClaims}), named by a digest of the key.
 * </ul>
 */
final class Topology {
    /** The number of task priorities. */
    static final int LEVELS = TaskPriority.values().length;

    private final String base;
    private final String queueType;
    private final String[] bandQueues;
    private final String delayedQueue;
    private final String deadQueue;
    private final String ledgerQueue;
    private final String eventsExchange;
    private final List<Duration> buckets;
    private final Duration holdLimit;
    private final int capacity;
    private final int deadLetterCapacity;

    Topology(RabbitTaskQueueConfig config, TaskQueueOptions options) {
        base = config.queue();
        queueType = config.queueType().name().toLowerCase(Locale.ROOT);
        bandQueues = new String[config.priorityBands()];
        for (int i = 0; i < bandQueues.length; i++) {
            bandQueues[i] = base + ".p" + i;
        }
        delayedQueue = base + ".delayed";
        deadQueue = base + ".dead";
        ledgerQueue = base + ".ledger";
        eventsExchange = base + ".events";
        buckets = config.delayBuckets();
        holdLimit = config.holdLimit();
        capacity = options.capacity();
        deadLetterCapacity = options.deadLetterCapacity();
    }

    /** The number of priority bands (work queues). */
    int bands() {
        return bandQueues.length;
    }

    /** The work queue of a band. */
    String bandQueue(int band) {
        return bandQueues[band];
    }

    /** {@code Q.delayed}. */
    String delayed() {
        return delayedQueue;
    }

    /** {@code Q.dead}. */
    String dead() {
        return deadQueue;
    }

    /** {@code Q.ledger}. */
    String ledger() {
        return ledgerQueue;
    }

    /** {@code Q.events}. */
    String eventsExchange() {
        return eventsExchange;
    }

    /** The queues holding tasks that are not leased: the bands, {@code Q.delayed} and the wait queues. */
    List<String> taskQueues() {
        List<String> queues = new ArrayList<>(List.of(bandQueues));
        queues.add(delayedQueue);
        buckets.forEach(b -> queues.add(waitQueue(b)));
        return queues;
    }

    /**
     * The band of a task: its priority's rank spread over the configured bands (five bands: one per priority; two:
     * {@code HIGHEST}, {@code HIGH}, {@code NORMAL} in the first, {@code LOW}, {@code LOWEST} in the second).
     */
    int band(TaskMessage msg) {
        return msg.request.priority().rank() * bandQueues.length / LEVELS;
    }

    /** Where a task message goes: its band when ready, else the delayed queue or a TTL wait queue. */
    String destination(TaskMessage msg, Instant now) {
        Duration delay = Duration.between(now, msg.readyAt);
        if (delay.isNegative() || delay.isZero()) {
            return bandQueues[band(msg)];
        }
        if (delay.compareTo(holdLimit) <= 0) {
            return delayedQueue;
        }
        Duration bucket = buckets.get(0);
        for (Duration b : buckets) {
            if (b.compareTo(delay) <= 0) {
                bucket = b;
            }
        }
        return waitQueue(bucket);
    }

    /** The broker-wide lock queue of a task key. */
    String lockQueue(String key) {
        return base + ".lock." + digest(key);
    }

    /** The claim queue of an idempotency key. */
    String claimQueue(String key) {
        return base + ".idem." + digest(key);
    }

    /** Declares the work, delayed, dead-letter, ledger and wait queues (idempotent). */
    void declare(Channel ch) throws IOException {
        for (String band : bandQueues) {
            ch.queueDeclare(band, true, false, false, Map.of("x-queue-type", queueType));
        }
        ch.queueDeclare(delayedQueue, true, false, false, Map.of("x-queue-type", queueType));
        ch.queueDeclare(
                deadQueue,
                true,
                false,
                false,
                Map.of("x-queue-type", queueType, "x-max-length", deadLetterCapacity, "x-overflow", "drop-head"));
        // Classic on purpose: a quorum queue applies reject-publish only after the limit was exceeded, and leaves
        // that mode only well below it, so its bound would be neither exact nor prompt.
        ch.queueDeclare(
                ledgerQueue,
                true,
                false,
                false,
                Map.of("x-queue-type", "classic", "x-max-length", capacity, "x-overflow", "reject-publish"));
        for (Duration b : buckets) {
            ch.queueDeclare(
                    waitQueue(b),
                    true,
                    false,
                    false,
                    Map.of(
                            "x-queue-type",
                            queueType,
                            "x-message-ttl",
                            b.toMillis(),
                            "x-dead-letter-exchange",
                            "",
                            "x-dead-letter-routing-key",
                            delayedQueue));
        }
    }

    private String waitQueue(Duration bucket) {
        return base + ".wait." + bucket.toMillis() + "ms";
    }

    private static String digest(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
