package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.ScaleplaneException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Reads the compacted state and dead-letter topics whole, from the beginning and then as they grow, into the {@link
 * StateViews} and the {@link DeadLetterStore}, so every process learns what the owners decided. Outside any group:
 * every instance reads every record. One thread polls; records are applied under the queue's monitor ({@link
 * QueueContext#lock}).
 */
final class ViewReader extends ConsumerThread {
    private final TaskTopics topics;
    private final StateViews views;
    private final DeadLetterStore deadLetters;
    private final OwnedTasks owned;

    ViewReader(QueueContext ctx, TaskTopics topics, StateViews views, DeadLetterStore deadLetters, OwnedTasks owned) {
        super(ctx, "view", false, "scaleplane-kafka-tasks-view-");
        this.topics = topics;
        this.owned = owned;
        this.views = views;
        this.deadLetters = deadLetters;
    }

    /** Reads until the queue closes; {@link #started()} is counted down once both topics were read to their end. */
    @Override
    void poll() throws InterruptedException {
        long until = System.nanoTime() + ctx.config.startTimeout().toNanos();
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(topics.state, topics.dead)) {
            // A topic just created may not be in the metadata yet: an empty answer means "ask again".
            List<PartitionInfo> infos = consumer.partitionsFor(topic, ctx.config.startTimeout());
            while (infos.isEmpty() && System.nanoTime() < until && !ctx.closed()) {
                Thread.sleep(20);
                infos = consumer.partitionsFor(topic, ctx.config.startTimeout());
            }
            if (infos.isEmpty()) {
                throw new ScaleplaneException("Kafka topic " + topic + " has no partitions in the metadata");
            }
            infos.forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
        while (!ctx.closed()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(QueueContext.POLL);
            if (!records.isEmpty()) {
                apply(records);
            }
            ctx.drainCompletions();
            if (!ends.isEmpty()) {
                ends.entrySet().removeIf(en -> consumer.position(en.getKey()) >= en.getValue());
                if (ends.isEmpty()) {
                    markStarted();
                }
            } else {
                markStarted();
            }
        }
    }

    /**
     * Applies one poll's records. Most state records are this process's own writes, known already and skipped
     * without parsing; the others are parsed outside the monitor, which every submitter and worker shares, between a
     * first acquisition that picks them and a second that applies them (checking again, since an acknowledgement may
     * have been applied meanwhile).
     */
    private void apply(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> news = toDecode(records);
        if (news.isEmpty()) {
            return;
        }
        // A state record decoded to its view, a dead-letter record parsed; null if unreadable.
        List<@Nullable Object> decoded = new ArrayList<>(news.size());
        for (ConsumerRecord<String, byte[]> rec : news) {
            try {
                JsonNode n = TaskRecords.parse(rec.value());
                decoded.add(rec.topic().equals(topics.state) ? TaskRecords.stateView(n, ctx.clock.now()) : n);
            } catch (IOException | RuntimeException e) {
                unreadable(rec, e);
                decoded.add(null);
            }
        }
        synchronized (ctx.lock) {
            for (int i = 0; i < news.size(); i++) {
                ConsumerRecord<String, byte[]> rec = news.get(i);
                Object d = decoded.get(i);
                if (d != null && !skip(rec)) {
                    apply(rec, d);
                }
            }
        }
    }

    /** Whether a record needs nothing from this process (a deletion, or a state it knows); under the monitor. */
    @Override
    boolean skip(ConsumerRecord<String, byte[]> rec) {
        if (rec.value() == null) {
            return true;
        }
        if (rec.topic().equals(topics.state) && rec.key() != null) {
            long version = TaskTopics.version(rec.headers());
            if (version >= 0 && views.knows(rec.key(), version)) {
                return true; // mostly this process's own writes, applied when acknowledged: no need to parse them
            }
            OwnedTask e = owned.get(rec.key());
            // This process's own write, read before its acknowledgement came back: the write applies it, so the
            // result future is completed by the caller that ended the task, before that caller returns.
            return e != null && e.writing;
        }
        return false;
    }

    /** Applies a decoded record; under the monitor. */
    private void apply(ConsumerRecord<String, byte[]> rec, Object decoded) {
        try {
            if (decoded instanceof StateView sv) {
                views.apply(sv);
            } else {
                deadLetters.applyRecord((JsonNode) decoded);
            }
        } catch (IOException | RuntimeException e) {
            unreadable(rec, e);
        }
    }

    private void unreadable(ConsumerRecord<String, byte[]> rec, Exception e) {
        log.warn(
                "Kafka task queue {}: skipping unreadable view record {}-{}@{}: {}",
                ctx.config.topicPrefix(),
                rec.topic(),
                rec.partition(),
                rec.offset(),
                e.toString());
    }
}
