package dev.scaleplane.events.kafka.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.RawMessage;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Dead letters stored in Kafka dead-letter topics. A dead letter's id names its record ({@code
 * kafka-dlq:<topic>:<partition>:<offset>}), so it can be found from any process. Kafka cannot delete one record, so
 * discarding or redriving writes the id to a compacted ledger topic, and listing skips ids found there.
 *
 * <p>{@link #list} reads the group's default destination {@code <topic>.<group>.dlq} and the custom destination of
 * a subscription made on this bus. Redrive writes the original record (value and CloudEvents headers) to the
 * group's first retry topic with no attempts made, so only that group gets it again.
 *
 * <p>Thread-safe: operations are serialized on one reader consumer; these are administrative calls, not a hot path.
 */
final class KafkaDeadLetters implements DeadLetters {
    private static final String ID_PREFIX = "kafka-dlq:";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaEventBus bus;
    private final Object lock = new Object();
    private final Set<String> removed = new HashSet<>();
    private @Nullable KafkaConsumer<byte[], byte[]> reader;
    private long ledgerPosition;
    private boolean closed;

    KafkaDeadLetters(KafkaEventBus bus) {
        this.bus = bus;
    }

    @Override
    public List<DeadLetter> list(String topic, String group, int limit) {
        SubscriptionOptions.checkName(topic, "topic");
        SubscriptionOptions.checkName(group, "group");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but was " + limit);
        }
        synchronized (lock) {
            refreshLedger();
            Set<String> existing = existingTopics();
            List<DeadLetter> found = new ArrayList<>();
            for (String destination : bus.deadLetterTopics(topic, group)) {
                if (!existing.contains(destination)) {
                    continue;
                }
                readAll(destination, r -> {
                    if (group.equals(Wire.header(r.headers(), Wire.GROUP))
                            && topic.equals(Wire.header(r.headers(), Wire.ORIGINAL_TOPIC))
                            && !removed.contains(id(r))) {
                        found.add(toDeadLetter(r));
                    }
                });
            }
            return List.copyOf(found.subList(0, Math.min(limit, found.size())));
        }
    }

    @Override
    public Optional<DeadLetter> find(String deadLetterId) {
        Location at = Location.parse(deadLetterId);
        if (at == null) {
            return Optional.empty();
        }
        synchronized (lock) {
            refreshLedger();
            if (removed.contains(deadLetterId) || !existingTopics().contains(at.topic)) {
                return Optional.empty();
            }
            KafkaConsumer<byte[], byte[]> c = reader();
            TopicPartition tp = new TopicPartition(at.topic, at.partition);
            long end = c.endOffsets(List.of(tp), READ_TIMEOUT).getOrDefault(tp, 0L);
            if (at.offset >= end) {
                return Optional.empty();
            }
            c.assign(List.of(tp));
            c.seek(tp, at.offset);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == at.offset && Wire.header(r.headers(), Wire.REASON) != null) {
                        return Optional.of(toDeadLetter(r));
                    }
                    if (r.offset() >= at.offset) {
                        return Optional.empty(); // compacted away or not a dead letter
                    }
                }
            }
            throw new ScaleplaneException("reading dead letter " + deadLetterId + " took over " + READ_TIMEOUT);
        }
    }

    @Override
    public CompletableFuture<Void> redrive(String deadLetterId) {
        try {
            Optional<DeadLetter> found = find(deadLetterId);
            if (found.isEmpty()) {
                return CompletableFuture.failedFuture(new NoSuchElementException("no dead letter " + deadLetterId));
            }
            redrive(found.get());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Integer> redriveAll(String topic, String group) {
        try {
            int count = 0;
            for (DeadLetter dl : list(topic, group, Integer.MAX_VALUE)) {
                if (dl.event() != null) {
                    redrive(dl);
                    count++;
                }
            }
            return CompletableFuture.completedFuture(count);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean discard(String deadLetterId) {
        if (find(deadLetterId).isEmpty()) {
            return false;
        }
        markRemoved(deadLetterId, "discarded");
        return true;
    }

    void close() {
        synchronized (lock) {
            closed = true;
            if (reader != null) {
                reader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                reader = null;
            }
        }
    }

    private void redrive(DeadLetter dl) {
        if (dl.event() == null) {
            throw new IllegalStateException("dead letter " + dl.id() + " is " + dl.reason()
                    + ": it could not be decoded, so redriving it would fail again; inspect and discard it");
        }
        Location at = Objects.requireNonNull(Location.parse(dl.id()));
        ConsumerRecord<byte[], byte[]> original = readOne(at);
        RecordHeaders headers = Wire.original(original.headers());
        Wire.put(headers, Wire.ATTEMPTS, "0");
        Wire.put(headers, Wire.DUE, "0");
        Wire.put(headers, Wire.GROUP, dl.group());
        Wire.put(headers, Wire.ORIGINAL_TOPIC, dl.topic());
        String retryTopic = bus.topics.retryTopicFor(dl.topic(), dl.group(), 1);
        Topics.await(
                bus.topics.ensureGroupTopics(dl.topic(), dl.group(), dl.destination()),
                "the retry topics of group " + dl.group(),
                READ_TIMEOUT);
        try {
            bus.producer
                    .send(new ProducerRecord<>(retryTopic, null, original.key(), original.value(), headers))
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while redriving " + dl.id(), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ScaleplaneException("redriving " + dl.id() + " to " + retryTopic + " failed: " + e, e);
        }
        markRemoved(dl.id(), "redriven");
    }

    private ConsumerRecord<byte[], byte[]> readOne(Location at) {
        synchronized (lock) {
            KafkaConsumer<byte[], byte[]> c = reader();
            TopicPartition tp = new TopicPartition(at.topic, at.partition);
            c.assign(List.of(tp));
            c.seek(tp, at.offset);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == at.offset) {
                        return r;
                    }
                }
            }
            throw new ScaleplaneException("reading " + at.topic + " at " + at.offset + " took over " + READ_TIMEOUT);
        }
    }

    private void markRemoved(String id, String why) {
        Topics.await(bus.topics.ensureLedger(), "the dead-letter ledger topic", READ_TIMEOUT);
        try {
            bus.producer
                    .send(new ProducerRecord<>(bus.config.ledgerTopic(), id.getBytes(UTF_8), why.getBytes(UTF_8)))
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while recording that " + id + " was " + why, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ScaleplaneException("recording that " + id + " was " + why + " failed: " + e, e);
        }
        synchronized (lock) {
            removed.add(id);
        }
    }

    private void refreshLedger() {
        Topics.await(bus.topics.ensureLedger(), "the dead-letter ledger topic", READ_TIMEOUT);
        KafkaConsumer<byte[], byte[]> c = reader();
        TopicPartition tp = new TopicPartition(bus.config.ledgerTopic(), 0);
        long end = c.endOffsets(List.of(tp), READ_TIMEOUT).getOrDefault(tp, 0L);
        if (ledgerPosition >= end) {
            return;
        }
        c.assign(List.of(tp));
        c.seek(tp, ledgerPosition);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (c.position(tp) < end) {
            if (System.nanoTime() > deadline) {
                throw new ScaleplaneException("reading the dead-letter ledger took over " + READ_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.key() != null) {
                    removed.add(new String(r.key(), UTF_8));
                }
            }
        }
        ledgerPosition = end;
    }

    private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        KafkaConsumer<byte[], byte[]> c = reader();
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic, READ_TIMEOUT)) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        Map<TopicPartition, Long> end = c.endOffsets(parts, READ_TIMEOUT);
        c.assign(parts);
        c.seekToBeginning(parts);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.getOrDefault(tp, 0L))) {
            if (System.nanoTime() > deadline) {
                throw new ScaleplaneException("reading dead-letter topic " + topic + " took over " + READ_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                    sink.accept(r);
                }
            }
        }
    }

    private Set<String> existingTopics() {
        try {
            return bus.admin.listTopics().names().get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while listing topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ScaleplaneException("listing topics failed: " + e, e);
        }
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        if (closed) {
            throw new IllegalStateException("the bus is closed");
        }
        KafkaConsumer<byte[], byte[]> c = reader;
        if (c == null) {
            c = new KafkaConsumer<>(
                    bus.config.consumerProperties("dead-letters", null, "earliest"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            reader = c;
        }
        return c;
    }

    private DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        DeadLetter.Reason reason = DeadLetter.Reason.valueOf(Wire.header(r.headers(), Wire.REASON));
        Event<?> event = null;
        RawMessage raw = null;
        if (reason == DeadLetter.Reason.UNDECODABLE || reason == DeadLetter.Reason.INVALID) {
            raw = new RawMessage(Wire.strings(r.headers(), false), r.value() == null ? new byte[0] : r.value());
        } else {
            try {
                event = bus.wire.decode(r.headers(), r.value());
            } catch (RuntimeException e) {
                raw = new RawMessage(Wire.strings(r.headers(), false), r.value() == null ? new byte[0] : r.value());
            }
        }
        String originTopic = orEmpty(Wire.header(r.headers(), Wire.ORIGINAL_TOPIC));
        Instant last = instant(Wire.header(r.headers(), Wire.LAST_FAILURE));
        return new DeadLetter(
                id(r),
                originTopic,
                orEmpty(Wire.header(r.headers(), Wire.GROUP)),
                r.topic(),
                reason,
                event,
                raw,
                orEmpty(Wire.header(r.headers(), Wire.EXCEPTION)),
                orEmpty(Wire.header(r.headers(), Wire.MESSAGE)),
                orEmpty(Wire.header(r.headers(), Wire.STACK_TRACE)),
                (int) Member.parseLong(Wire.header(r.headers(), Wire.ATTEMPTS), 0),
                instant(Wire.header(r.headers(), Wire.FIRST_FAILURE)),
                last,
                originTopic + "/" + orEmpty(Wire.header(r.headers(), Wire.ORIGINAL_PARTITION)) + "@"
                        + orEmpty(Wire.header(r.headers(), Wire.ORIGINAL_OFFSET)));
    }

    private static Instant instant(@Nullable String text) {
        try {
            return text == null ? Instant.EPOCH : Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    private static String id(ConsumerRecord<?, ?> r) {
        return ID_PREFIX + r.topic() + ":" + r.partition() + ":" + r.offset();
    }

    /** Where a dead letter is stored, parsed from its id. */
    private record Location(String topic, int partition, long offset) {
        static @Nullable Location parse(String id) {
            if (!id.startsWith(ID_PREFIX)) {
                return null;
            }
            String[] parts = id.substring(ID_PREFIX.length()).split(":");
            if (parts.length != 3 || !parts[0].matches("[A-Za-z0-9._-]{1,249}")) {
                return null;
            }
            try {
                return new Location(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
