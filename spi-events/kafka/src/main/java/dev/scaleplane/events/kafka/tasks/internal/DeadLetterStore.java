package dev.scaleplane.events.kafka.tasks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dead letters of every process, as the compacted dead-letter topic ({@code <prefix>.dead}, key = task id, one
 * partition so it lists oldest first) holds them: writing one, removing one, keeping at most {@code
 * deadLetterCapacity} (the oldest are removed beyond), and taking in what the view consumer reads. A removal is a
 * record with {@code removed} and a version above the dead letter's, so a stale copy never comes back.
 *
 * <p>Not thread-safe: every method runs under the queue's monitor ({@link QueueContext#lock}).
 */
final class DeadLetterStore {
    /** A dead letter with what a redrive needs. */
    record DeadView(TaskDeadLetter letter, long version, String routingKey, Snapshot snapshot) {}

    private final QueueContext ctx;
    private final TaskTopics topics;
    private final LinkedHashMap<String, DeadView> dead = new LinkedHashMap<>();
    private final Map<String, Long> deadVersions = new HashMap<>();

    DeadLetterStore(QueueContext ctx, TaskTopics topics) {
        this.ctx = ctx;
        this.topics = topics;
    }

    @Nullable
    DeadView get(String id) {
        return dead.get(id);
    }

    /** Every dead letter, oldest first (a copy). */
    List<DeadView> all() {
        return new ArrayList<>(dead.values());
    }

    /** Up to {@code limit} dead letters, oldest first. */
    List<TaskDeadLetter> list(int limit) {
        List<TaskDeadLetter> out = new ArrayList<>();
        for (DeadView dv : dead.values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(dv.letter());
        }
        return out;
    }

    /**
     * Writes the dead letter of task {@code s} at {@code version} and waits for the broker's acknowledgement.
     *
     * @param routingKey the key its records are partitioned by, for a redrive
     * @param at when it was dead-lettered
     */
    void add(Snapshot s, long version, String routingKey, TaskDeadLetter.Reason reason, Instant at) {
        DeadView dv = new DeadView(letter(s, reason, at), version, routingKey, s.withVersion(version));
        topics.await(topics.sendDead(s.id(), TaskRecords.dead(dv.snapshot(), reason, at)), "dead letter");
        apply(s.id(), version, dv);
    }

    /** Removes the oldest dead letters beyond the capacity. */
    void trim() {
        while (dead.size() > ctx.options.deadLetterCapacity()) {
            String oldest = dead.keySet().iterator().next();
            remove(oldest);
        }
    }

    /** Writes the removal of a dead letter, waits for its acknowledgement and forgets it. */
    void remove(String id) {
        DeadView dv = dead.get(id);
        if (dv == null) {
            return;
        }
        long version = dv.version() + 2; // above the DEAD_LETTERED state version (dead version + 1)
        topics.await(topics.sendDead(id, TaskRecords.deadRemoval(id, version)), "dead-letter removal");
        apply(id, version, null);
    }

    /** Takes a record of the dead-letter topic: a dead letter or a removal. */
    void applyRecord(JsonNode n) throws IOException {
        if (n.path("removed").asBoolean(false)) {
            apply(n.get("id").asText(), n.get("version").asLong(), null);
            return;
        }
        Snapshot s = TaskRecords.snapshot(n);
        TaskDeadLetter.Reason reason =
                TaskDeadLetter.Reason.valueOf(n.get("deadReason").asText());
        TaskDeadLetter letter = letter(s, reason, Instant.parse(n.get("deadAt").asText()));
        apply(s.id(), s.version(), new DeadView(letter, s.version(), TaskTopics.routingKey(s), s));
    }

    /** Takes a dead letter ({@code dv}) or its removal (null) unless an equal or newer version is known. */
    void apply(String id, long version, @Nullable DeadView dv) {
        if (deadVersions.getOrDefault(id, -1L) >= version) {
            return;
        }
        deadVersions.put(id, version);
        dead.remove(id);
        if (dv != null) {
            dead.put(id, dv);
        }
    }

    private static TaskDeadLetter letter(Snapshot s, TaskDeadLetter.Reason reason, Instant at) {
        Task task = new Task(s.id(), s.request(), Math.max(1, s.attempts()), s.maxAttempts(), s.submittedAt());
        return new TaskDeadLetter(task, reason, s.failures(), at);
    }
}
