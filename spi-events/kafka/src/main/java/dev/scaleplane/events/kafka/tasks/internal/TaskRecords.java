package dev.scaleplane.events.kafka.tasks.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON records of the three topics. A task record is a full snapshot of a task (request, attempts recorded so
 * far, ready time, failure history, version), so replaying one partition rebuilds its tasks without any other topic.
 * Payloads and results are JSON, decoded back to the class named beside them. Instants are ISO-8601 of the queue's
 * {@code TaskClock}, exact to the nanosecond.
 */
final class TaskRecords {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Kinds of records on the tasks topic. */
    static final String TASK = "task";

    static final String DONE = "done";
    static final String CANCEL = "cancel";

    private TaskRecords() {}

    /** A task as stored: what every record of one task version carries. */
    record Snapshot(
            String id,
            TaskRequest request,
            int maxAttempts,
            int attempts,
            Instant submittedAt,
            Instant readyAt,
            List<TaskFailure> failures,
            long version) {

        /** The same task at another version. */
        Snapshot withVersion(long newVersion) {
            return new Snapshot(id, request, maxAttempts, attempts, submittedAt, readyAt, failures, newVersion);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + node + ": " + e.getMessage(), e);
        }
    }

    static JsonNode parse(byte @Nullable [] value) throws IOException {
        if (value == null) {
            throw new IOException("record has no value");
        }
        return MAPPER.readTree(value);
    }

    static String text(byte @Nullable [] value) {
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    /** Encodes a payload or result with its class name. */
    static void putValue(ObjectNode into, String field, @Nullable Object value) {
        putTree(into, field, value, tree(field, value));
    }

    /**
     * A payload or result as JSON, for {@link #putTree}: encoding it first lets a caller find out whether it can be
     * encoded before it changes anything.
     *
     * @throws IllegalArgumentException naming the field and the value's class if it cannot be encoded
     */
    static JsonNode tree(String field, @Nullable Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + " of class " + value.getClass().getName() + " cannot be encoded as JSON: " + e.getMessage(),
                    e);
        }
    }

    /** Puts a value encoded by {@link #tree} with its class name, as {@link #putValue} does. */
    static void putTree(ObjectNode into, String field, @Nullable Object value, JsonNode tree) {
        into.set(field, tree);
        if (value != null) {
            into.put(field + "Class", value.getClass().getName());
        }
    }

    /** Decodes a value written by {@link #putValue}. */
    static @Nullable Object getValue(JsonNode from, String field) throws IOException {
        JsonNode node = from.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String className = from.path(field + "Class").asText("");
        try {
            Class<?> type = Class.forName(className, false, classLoader());
            return MAPPER.treeToValue(node, type);
        } catch (ClassNotFoundException e) {
            throw new IOException("class " + className + " of the " + field + " is not on the class path", e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : TaskRecords.class.getClassLoader();
    }

    static ObjectNode task(Snapshot s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", TASK);
        n.put("id", s.id());
        n.put("version", s.version());
        TaskRequest r = s.request();
        n.put("type", r.type());
        putValue(n, "payload", r.payload());
        n.put("priority", r.priority().name());
        putText(n, "key", r.key());
        putText(n, "notBefore", r.notBefore() == null ? null : r.notBefore().toString());
        putText(n, "deadline", r.deadline() == null ? null : r.deadline().toString());
        n.put("requestedAttempts", r.maxAttempts());
        putText(n, "idempotencyKey", r.idempotencyKey());
        putText(n, "tenant", r.tenant());
        putText(n, "correlationId", r.correlationId());
        putText(
                n,
                "traceparent",
                r.traceparent() == null ? null : r.traceparent().toString());
        n.put("maxAttempts", s.maxAttempts());
        n.put("attempts", s.attempts());
        n.put("submittedAt", s.submittedAt().toString());
        n.put("readyAt", s.readyAt().toString());
        ArrayNode failures = n.putArray("failures");
        for (TaskFailure f : s.failures()) {
            ObjectNode fn = failures.addObject();
            fn.put("attempt", f.attempt());
            fn.put("workerId", f.workerId());
            fn.put("exceptionType", f.exceptionType());
            fn.put("message", f.message());
            fn.put("at", f.at().toString());
        }
        return n;
    }

    static Snapshot snapshot(JsonNode n) throws IOException {
        try {
            TaskRequest.Builder b = TaskRequest.builder(n.get("type").asText(), nonNull(getValue(n, "payload")))
                    .priority(TaskPriority.valueOf(n.get("priority").asText()))
                    .key(optText(n, "key"))
                    .notBefore(optInstant(n, "notBefore"))
                    .deadline(optInstant(n, "deadline"))
                    .maxAttempts(n.path("requestedAttempts").asInt(0))
                    .idempotencyKey(optText(n, "idempotencyKey"))
                    .tenant(optText(n, "tenant"))
                    .correlationId(optText(n, "correlationId"));
            String traceparent = optText(n, "traceparent");
            if (traceparent != null) {
                b.traceparent(TraceParent.parse(traceparent));
            }
            List<TaskFailure> failures = new ArrayList<>();
            for (JsonNode f : n.path("failures")) {
                failures.add(new TaskFailure(
                        f.get("attempt").asInt(),
                        f.get("workerId").asText(),
                        f.get("exceptionType").asText(),
                        f.get("message").asText(),
                        Instant.parse(f.get("at").asText())));
            }
            return new Snapshot(
                    n.get("id").asText(),
                    b.build(),
                    n.get("maxAttempts").asInt(),
                    n.get("attempts").asInt(),
                    Instant.parse(n.get("submittedAt").asText()),
                    Instant.parse(n.get("readyAt").asText()),
                    failures,
                    n.get("version").asLong());
        } catch (RuntimeException e) {
            throw new IOException("malformed task record: " + e, e);
        }
    }

    /** The end of a task version on the tasks topic. */
    static ObjectNode done(String id, long version, TaskState state) {
        ObjectNode done = MAPPER.createObjectNode();
        done.put("kind", DONE);
        done.put("id", id);
        done.put("version", version);
        done.put("state", state.name());
        return done;
    }

    /** A request, on the tasks topic, that the owner of the task's partition cancel it. */
    static ObjectNode cancel(String id) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", CANCEL);
        n.put("id", id);
        return n;
    }

    /** A state record: what every process learns of a task from the state topic. */
    static ObjectNode state(StateView sv) {
        return state(sv, tree("result", sv.result()));
    }

    /** {@link #state(StateView)} with the result encoded already by {@link #tree}. */
    static ObjectNode state(StateView sv, JsonNode result) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", sv.id());
        n.put("state", sv.state().name());
        n.put("version", sv.version());
        n.put("type", sv.type());
        n.put("attempts", sv.attempts());
        n.put("partition", sv.partition());
        n.put("routingKey", sv.routingKey());
        putText(n, "idempotencyKey", sv.idempotencyKey());
        n.put("submittedAt", sv.submittedAt().toString());
        n.put("message", sv.message());
        putTree(n, "result", sv.result(), result);
        return n;
    }

    /** Decodes a record written by {@link #state}, read at {@code now}. */
    static StateView stateView(JsonNode n, Instant now) throws IOException {
        return new StateView(
                n.get("id").asText(),
                TaskState.valueOf(n.get("state").asText()),
                n.get("version").asLong(),
                n.get("type").asText(),
                n.get("attempts").asInt(),
                n.get("partition").asInt(),
                n.get("routingKey").asText(),
                optText(n, "idempotencyKey"),
                Instant.parse(n.get("submittedAt").asText()),
                getValue(n, "result"),
                n.path("message").asText(""),
                now);
    }

    /** A dead letter on the dead-letter topic: the task record with the reason and time. */
    static ObjectNode dead(Snapshot s, TaskDeadLetter.Reason reason, Instant at) {
        ObjectNode rec = task(s);
        rec.put("deadReason", reason.name());
        rec.put("deadAt", at.toString());
        return rec;
    }

    /** The removal of a dead letter (redriven, discarded or trimmed), above every version it had. */
    static ObjectNode deadRemoval(String id, long version) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", id);
        n.put("removed", true);
        n.put("version", version);
        return n;
    }

    private static Object nonNull(@Nullable Object payload) throws IOException {
        if (payload == null) {
            throw new IOException("task record without payload");
        }
        return payload;
    }

    static void putText(ObjectNode n, String field, @Nullable String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    static @Nullable String optText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static @Nullable Instant optInstant(JsonNode n, String field) {
        String v = optText(n, field);
        return v == null ? null : Instant.parse(v);
    }
}
