package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Partition ownership. This member's consumer in the group {@code <prefix>.workers} is assigned partitions of the
 * tasks topic; for each, it replays the partition from the committed offset into {@link OwnedTasks} (its tasks are
 * leased once the replay reached the end taken at assignment) and then applies every new record: task versions,
 * {@code done} records and cancel requests. Offsets are committed every {@code commit-interval}, never past the
 * oldest unfinished task version. A revoked or lost partition's leases are lost before another member can replay it.
 *
 * <p>One thread polls; records are applied under the queue's monitor ({@link QueueContext#lock}), and so is {@link
 * #adoptOwnWrite}.
 */
final class PartitionOwner extends ConsumerThread {
    private final TaskTopics topics;
    private final OwnedTasks owned;
    private final StateViews views;
    private final TaskOutcomes outcomes;
    /** Writes made while applying one poll's records, with the record that asked for each; the poll thread's own. */
    private final List<RecordWrite> writes = new ArrayList<>();

    /** A write a record asked for: if the broker does not take it, the record is read again. */
    private record RecordWrite(GroupCommit.Write write, TopicPartition partition, long offset) {}

    PartitionOwner(QueueContext ctx, TaskTopics topics, OwnedTasks owned, StateViews views, TaskOutcomes outcomes) {
        super(ctx, "worker", true, "scaleplane-kafka-tasks-work-");
        this.topics = topics;
        this.owned = owned;
        this.views = views;
        this.outcomes = outcomes;
    }

    // ---- the work loop (started() is counted down at the first assignment)

    @Override
    void poll() {
        consumer.subscribe(List.of(topics.tasks), new Rebalance());
        long nextCommit = 0;
        while (!ctx.closed()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(QueueContext.POLL);
            apply(records);
            ctx.drainCompletions();
            // Cancels and dead letters this poll wrote: acknowledged together, awaited outside the monitor.
            awaitWrites();
            if (System.nanoTime() - nextCommit >= 0) {
                Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned.partitions());
                if (!offsets.isEmpty()) {
                    consumer.commitAsync(offsets, (o, ex) -> {
                        if (ex != null) {
                            log.debug("commit failed, retried on the next round: {}", ex.toString());
                        }
                    });
                }
                nextCommit = System.nanoTime() + ctx.config.commitInterval().toNanos();
                List<String> tombstones;
                synchronized (ctx.lock) {
                    owned.publishLeases(topics::sendState);
                    tombstones = views.prune(owned);
                }
                // Thousands a round under load: sent outside the monitor. A redrive racing one is no new hazard: the
                // redriving process need not be this one, so the monitor never ordered the two.
                tombstones.forEach(topics::deleteState);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned.partitions());
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        }
    }

    /**
     * Awaits the writes this poll's records asked for. A refused one left its task as it was (the write's failure
     * path restores it), so its record is read again from the next poll on, like a record whose write failed at once.
     */
    private void awaitWrites() {
        Map<TopicPartition, Long> rereadFrom = new HashMap<>();
        for (RecordWrite rw : writes) {
            try {
                rw.write().await();
            } catch (RuntimeException ex) {
                log.warn(
                        "Kafka task queue {}: record {}@{} will be read again: {}",
                        ctx.config.topicPrefix(),
                        rw.partition(),
                        rw.offset(),
                        ex.toString());
                rereadFrom.merge(rw.partition(), rw.offset(), Math::min);
            }
        }
        writes.clear();
        rereadFrom.forEach((tp, offset) -> {
            try {
                consumer.seek(tp, offset);
            } catch (IllegalStateException notAssigned) {
                // Revoked meanwhile: the partition's next owner reads the record.
            }
        });
    }

    /** Per partition: the oldest unfinished task version, else the consumer's position. */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<Integer> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (int p : partitions) {
            TopicPartition tp = new TopicPartition(topics.tasks, p);
            long position;
            try {
                position = consumer.position(tp);
            } catch (IllegalStateException e) {
                continue; // no longer assigned
            }
            OptionalLong offset;
            synchronized (ctx.lock) {
                offset = owned.committable(p, position);
            }
            if (offset.isPresent()) {
                out.put(tp, new OffsetAndMetadata(offset.getAsLong()));
            }
        }
        return out;
    }

    /** Partition ownership: a revoked partition's leases are lost before another member can replay it. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> ps = new HashSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(ps);
            drop(ps);
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.warn("commit on revocation failed (the next owner replays a little more): {}", e.toString());
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<Integer> ps = new HashSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            drop(ps);
        }

        private void drop(Set<Integer> ps) {
            synchronized (ctx.lock) {
                owned.drop(ps);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> ends = partitions.isEmpty() ? Map.of() : consumer.endOffsets(partitions);
            synchronized (ctx.lock) {
                for (TopicPartition tp : partitions) {
                    owned.assign(tp.partition());
                    long end = ends.getOrDefault(tp, 0L);
                    if (consumer.position(tp) < end) {
                        owned.replayUntil(tp.partition(), end);
                    }
                }
            }
            markStarted();
        }
    }

    // ---- applying records of owned partitions (under the monitor)

    /** Takes a task this instance just wrote into its owned partitions at once, so a lease right after sees it. */
    void adoptOwnWrite(RecordMetadata meta, Snapshot s) {
        if (!owned.owns(meta.partition())) {
            return; // another member owns it and will read it from the topic
        }
        OwnedTask known = owned.get(s.id());
        if ((known != null && known.version >= s.version()) || owned.endedAtOrAfter(s.id(), s.version())) {
            return; // the poll thread read this very record before the acknowledgement came back
        }
        owned.wrote(meta.partition(), meta.offset());
        applySnapshot(meta.partition(), meta.offset(), s);
    }

    /**
     * Applies one poll's records. Most are this member's own writes, applied when acknowledged and skipped unparsed;
     * the others are decoded outside the monitor, which every submitter and worker shares, between a first
     * acquisition that picks them and a second that applies them (checking again: an acknowledgement may have been
     * applied meanwhile).
     */
    private void apply(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> news = toDecode(records);
        if (news.isEmpty()) {
            synchronized (ctx.lock) {
                owned.replayed(p -> consumer.position(new TopicPartition(topics.tasks, p)));
            }
            return;
        }
        List<Object> decoded = new ArrayList<>(news.size());
        for (ConsumerRecord<String, byte[]> rec : news) {
            decoded.add(decode(rec));
        }
        synchronized (ctx.lock) {
            Set<TopicPartition> stopped = new HashSet<>();
            for (int i = 0; i < news.size(); i++) {
                ConsumerRecord<String, byte[]> rec = news.get(i);
                TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                if (stopped.contains(tp) || skip(rec)) {
                    continue;
                }
                try {
                    apply(rec, decoded.get(i));
                } catch (RuntimeException ex) {
                    // Applying it needed a write the broker refused: read it again on the next poll.
                    log.warn(
                            "Kafka task queue {}: record {}@{} will be read again: {}",
                            ctx.config.topicPrefix(),
                            tp,
                            rec.offset(),
                            ex.toString());
                    consumer.seek(tp, rec.offset());
                    stopped.add(tp);
                }
            }
            owned.replayed(p -> consumer.position(new TopicPartition(topics.tasks, p)));
        }
    }

    /**
     * Whether a record is not this member's to apply: its partition is not owned, or this member wrote and applied it
     * itself (forgetting that mark, so call it once per reading). Under the monitor.
     */
    @Override
    boolean skip(ConsumerRecord<String, byte[]> rec) {
        return !owned.owns(rec.partition()) || owned.wroteItself(rec.partition(), rec.offset());
    }

    /** A record's content: a {@link Snapshot}, the parsed JSON of another kind, or the {@link IOException} why not. */
    private static Object decode(ConsumerRecord<String, byte[]> rec) {
        try {
            JsonNode n = TaskRecords.parse(rec.value());
            return TaskRecords.TASK.equals(n.path("kind").asText("")) ? TaskRecords.snapshot(n) : n;
        } catch (IOException ex) {
            return ex;
        }
    }

    /** Applies a decoded record; under the monitor. */
    private void apply(ConsumerRecord<String, byte[]> rec, Object decoded) {
        int partition = rec.partition();
        if (decoded instanceof IOException ex) {
            undecodable(rec, ex);
            return;
        }
        if (decoded instanceof Snapshot s) {
            applySnapshot(partition, rec.offset(), s);
            return;
        }
        JsonNode n = (JsonNode) decoded;
        String kind = n.path("kind").asText("");
        String id = n.path("id").asText("");
        switch (kind) {
            case TaskRecords.DONE -> {
                OwnedTask e = owned.get(id);
                long version = n.path("version").asLong();
                if (e != null && e.lease == null && e.version < version) {
                    owned.remove(e);
                }
                owned.endRead(id, version);
            }
            case TaskRecords.CANCEL -> {
                OwnedTask e = owned.get(id);
                if (e != null && !e.writing) {
                    writes.add(new RecordWrite(
                            outcomes.cancel(e, "cancelled by another process"),
                            new TopicPartition(rec.topic(), partition),
                            rec.offset()));
                }
            }
            default -> undecodable(rec, new IOException("unknown record kind '" + kind + "'"));
        }
    }

    /** Takes a task version and, the first time, starts its deadline on the clock. */
    private void applySnapshot(int partition, long offset, Snapshot s) {
        OwnedTask e = owned.apply(partition, offset, s);
        if (e == null) {
            return;
        }
        Instant deadline = s.request().deadline();
        if (deadline != null && e.deadlineTimer == null) {
            OwnedTask target = e;
            e.deadlineTimer = ctx.clock.schedule(
                    Duration.between(ctx.clock.now(), deadline).isNegative()
                            ? Duration.ZERO
                            : Duration.between(ctx.clock.now(), deadline),
                    () -> outcomes.onDeadline(target));
        }
    }

    /** A record that cannot be read is dead-lettered as it was, with the reason, instead of blocking its partition. */
    private void undecodable(ConsumerRecord<String, byte[]> rec, Exception why) {
        String id = "undecodable-" + rec.topic() + "-" + rec.partition() + "-" + rec.offset();
        log.error(
                "Kafka task queue {}: record {} cannot be read, dead-lettering it: {}",
                ctx.config.topicPrefix(),
                id,
                why.toString());
        Instant now = ctx.clock.now();
        TaskRequest request = TaskRequest.of("undecodable", TaskRecords.text(rec.value()));
        Snapshot s = new Snapshot(
                id,
                request,
                1,
                1,
                now,
                now,
                List.of(new TaskFailure(
                        1, "kafka-task-queue", why.getClass().getName(), String.valueOf(why.getMessage()), now)),
                1);
        OwnedTask e = new OwnedTask(rec.partition(), rec.key() == null ? id : rec.key());
        e.snapshot = s;
        e.version = 1;
        e.offset = rec.offset();
        writes.add(new RecordWrite(
                outcomes.deadLetter(e, TaskDeadLetter.Reason.NON_RETRYABLE, String.valueOf(why.getMessage())),
                new TopicPartition(rec.topic(), rec.partition()),
                rec.offset()));
    }
}
