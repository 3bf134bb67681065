package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.AMQP;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One task as a RabbitMQ message: the payload as JSON in the body, everything else in {@code x-sp-*} headers, so that
 * the broker's own tools show a task's type, attempt and history without decoding the body. Immutable; the
 * {@code with*} methods return copies.
 *
 * <p>Instants are ISO-8601 strings of the queue's {@code TaskClock}, kept exact to the nanosecond, because retries
 * and delays must become ready at exactly the instant the clock says.
 */
final class TaskMessage {
    static final String CONTENT_TYPE = "application/json";
    static final String H_TYPE = "x-sp-type";
    static final String H_PAYLOAD_CLASS = "x-sp-payload-class";
    static final String H_PRIORITY = "x-sp-priority";
    static final String H_KEY = "x-sp-key";
    static final String H_NOT_BEFORE = "x-sp-not-before";
    static final String H_DEADLINE = "x-sp-deadline";
    static final String H_REQUESTED_ATTEMPTS = "x-sp-requested-attempts";
    static final String H_MAX_ATTEMPTS = "x-sp-max-attempts";
    static final String H_ATTEMPTS = "x-sp-attempts";
    static final String H_SUBMITTED_AT = "x-sp-submitted-at";
    static final String H_READY_AT = "x-sp-ready-at";
    static final String H_IDEMPOTENCY_KEY = "x-sp-idempotency-key";
    static final String H_TENANT = "x-sp-tenant";
    static final String H_CORRELATION_ID = "x-sp-correlation-id";
    static final String H_TRACEPARENT = "x-sp-traceparent";
    static final String H_FAILURES = "x-sp-failures";
    static final String H_COUNTED = "x-sp-counted";
    static final String H_DEAD_REASON = "x-sp-dead-reason";
    static final String H_DEAD_AT = "x-sp-dead-at";
    static final String H_GENERATION = "x-sp-generation";
    /** Why a message that is not a task this queue can decode was dead-lettered. */
    static final String H_UNDECODABLE = "x-sp-undecodable";

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    final String id;
    final TaskRequest request;
    final int maxAttempts;
    /** Leases granted so far whose outcome was recorded (a failure, a lapse). */
    final int attempts;

    final Instant submittedAt;
    final Instant readyAt;
    final List<TaskFailure> failures;
    /** Whether the task holds a token in the ledger queue (counts towards the capacity). */
    final boolean counted;

    final TaskDeadLetter.@Nullable Reason deadReason;
    final @Nullable Instant deadAt;
    /** How often the task was redriven: tells a redrive from a stale copy of the dead-lettered message. */
    final int generation;

    TaskMessage(
            String id,
            TaskRequest request,
            int maxAttempts,
            int attempts,
            Instant submittedAt,
            Instant readyAt,
            List<TaskFailure> failures,
            boolean counted,
            TaskDeadLetter.@Nullable Reason deadReason,
            @Nullable Instant deadAt,
            int generation) {
        this.id = Objects.requireNonNull(id, "id");
        this.request = Objects.requireNonNull(request, "request");
        this.maxAttempts = maxAttempts;
        this.attempts = attempts;
        this.submittedAt = submittedAt;
        this.readyAt = readyAt;
        this.failures = List.copyOf(failures);
        this.counted = counted;
        this.deadReason = deadReason;
        this.deadAt = deadAt;
        this.generation = generation;
    }

    TaskMessage retry(int attemptsNow, List<TaskFailure> failuresNow, Instant readyAtNow) {
        return new TaskMessage(
                id,
                request,
                maxAttempts,
                attemptsNow,
                submittedAt,
                readyAtNow,
                failuresNow,
                counted,
                null,
                null,
                generation);
    }

    TaskMessage dead(int attemptsNow, List<TaskFailure> failuresNow, TaskDeadLetter.Reason reason, Instant at) {
        return new TaskMessage(
                id, request, maxAttempts, attemptsNow, submittedAt, at, failuresNow, false, reason, at, generation);
    }

    TaskMessage redriven(Instant now, boolean countedNow) {
        return new TaskMessage(
                id, request, maxAttempts, 0, submittedAt, now, List.of(), countedNow, null, null, generation + 1);
    }

    AMQP.BasicProperties properties() {
        Map<String, Object> h = new HashMap<>();
        TaskRequest r = request;
        h.put(H_TYPE, r.type());
        h.put(H_PAYLOAD_CLASS, r.payload().getClass().getName());
        h.put(H_PRIORITY, r.priority().name());
        put(h, H_KEY, r.key());
        put(h, H_NOT_BEFORE, r.notBefore());
        put(h, H_DEADLINE, r.deadline());
        h.put(H_REQUESTED_ATTEMPTS, String.valueOf(r.maxAttempts()));
        h.put(H_MAX_ATTEMPTS, String.valueOf(maxAttempts));
        h.put(H_ATTEMPTS, String.valueOf(attempts));
        h.put(H_SUBMITTED_AT, submittedAt.toString());
        h.put(H_READY_AT, readyAt.toString());
        put(h, H_IDEMPOTENCY_KEY, r.idempotencyKey());
        put(h, H_TENANT, r.tenant());
        put(h, H_CORRELATION_ID, r.correlationId());
        put(h, H_TRACEPARENT, r.traceparent());
        h.put(H_COUNTED, String.valueOf(counted));
        if (!failures.isEmpty()) {
            h.put(H_FAILURES, encodeFailures(failures));
        }
        put(h, H_DEAD_REASON, deadReason);
        put(h, H_DEAD_AT, deadAt);
        h.put(H_GENERATION, String.valueOf(generation));
        return new AMQP.BasicProperties.Builder()
                .messageId(id)
                .contentType(CONTENT_TYPE)
                .deliveryMode(2)
                .type(r.type())
                .headers(h)
                .build();
    }

    byte[] body() {
        try {
            return MAPPER.writeValueAsBytes(request.payload());
        } catch (JsonProcessingException e) {
            throw new ScaleplaneException(
                    "cannot encode the payload of a task of type '" + request.type() + "' ("
                            + request.payload().getClass().getName() + ") as JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    /**
     * Decodes a message.
     *
     * @throws UndecodableTaskException if the message is not a task this queue wrote, or its payload does not decode
     *     to the class named in its headers
     */
    static TaskMessage decode(AMQP.BasicProperties props, byte[] body, ClassLoader loader) {
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        String id = props.getMessageId();
        if (id == null || id.isEmpty()) {
            throw new UndecodableTaskException(null, "the message has no message-id (not written by this queue)");
        }
        try {
            String type = required(h, H_TYPE);
            String payloadClass = required(h, H_PAYLOAD_CLASS);
            Object payload;
            try {
                payload = MAPPER.readValue(body, Class.forName(payloadClass, false, loader));
            } catch (ClassNotFoundException e) {
                throw new UndecodableTaskException(id, "payload class " + payloadClass + " is not on the class path");
            } catch (IOException e) {
                throw new UndecodableTaskException(
                        id, "the payload does not decode to " + payloadClass + ": " + e.getMessage());
            }
            if (payload == null) {
                throw new UndecodableTaskException(id, "the payload is JSON null");
            }
            TaskRequest.Builder b = TaskRequest.builder(type, payload)
                    .priority(TaskPriority.valueOf(required(h, H_PRIORITY)))
                    .key(optional(h, H_KEY))
                    .notBefore(instant(h, H_NOT_BEFORE))
                    .deadline(instant(h, H_DEADLINE))
                    .maxAttempts(Integer.parseInt(required(h, H_REQUESTED_ATTEMPTS)))
                    .idempotencyKey(optional(h, H_IDEMPOTENCY_KEY))
                    .tenant(optional(h, H_TENANT))
                    .correlationId(optional(h, H_CORRELATION_ID));
            String trace = optional(h, H_TRACEPARENT);
            if (trace != null) {
                b.traceparent(TraceParent.parse(trace));
            }
            String failures = optional(h, H_FAILURES);
            String reason = optional(h, H_DEAD_REASON);
            String generation = optional(h, H_GENERATION);
            return new TaskMessage(
                    id,
                    b.build(),
                    Integer.parseInt(required(h, H_MAX_ATTEMPTS)),
                    Integer.parseInt(required(h, H_ATTEMPTS)),
                    Instant.parse(required(h, H_SUBMITTED_AT)),
                    Instant.parse(required(h, H_READY_AT)),
                    failures == null ? List.of() : decodeFailures(failures),
                    Boolean.parseBoolean(required(h, H_COUNTED)),
                    reason == null ? null : TaskDeadLetter.Reason.valueOf(reason),
                    instant(h, H_DEAD_AT),
                    generation == null ? 0 : Integer.parseInt(generation));
        } catch (UndecodableTaskException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UndecodableTaskException(id, "invalid task headers: " + e);
        }
    }

    private static String encodeFailures(List<TaskFailure> failures) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (TaskFailure f : failures) {
            list.add(Map.of(
                    "attempt", f.attempt(),
                    "workerId", f.workerId(),
                    "exceptionType", f.exceptionType(),
                    "message", f.message(),
                    "at", f.at().toString()));
        }
        try {
            return MAPPER.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("failures are plain strings and numbers", e);
        }
    }

    private static List<TaskFailure> decodeFailures(String json) {
        try {
            List<Map<String, Object>> list = MAPPER.readValue(json, new TypeReference<List<Map<String, Object>>>() {});
            List<TaskFailure> out = new ArrayList<>();
            for (Map<String, Object> m : list) {
                out.add(new TaskFailure(
                        ((Number) m.get("attempt")).intValue(),
                        String.valueOf(m.get("workerId")),
                        String.valueOf(m.get("exceptionType")),
                        String.valueOf(m.get("message")),
                        Instant.parse(String.valueOf(m.get("at")))));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid " + H_FAILURES + ": " + e.getMessage(), e);
        }
    }

    private static void put(Map<String, Object> h, String key, @Nullable Object value) {
        if (value != null) {
            h.put(key, value.toString());
        }
    }

    static @Nullable String optional(Map<String, Object> h, String key) {
        Object v = h.get(key);
        return v == null ? null : v.toString();
    }

    private static String required(Map<String, Object> h, String key) {
        String v = optional(h, key);
        if (v == null) {
            throw new IllegalArgumentException("header " + key + " is missing");
        }
        return v;
    }

    private static @Nullable Instant instant(Map<String, Object> h, String key) {
        String v = optional(h, key);
        return v == null ? null : Instant.parse(v);
    }

    /** A message on a task queue that is not a task this backend can decode. */
    static final class UndecodableTaskException extends ScaleplaneException {
        private static final long serialVersionUID = 1L;
        private final @Nullable String taskId;

        UndecodableTaskException(@Nullable String taskId, String why) {
            super("undecodable task message" + (taskId == null ? "" : " " + taskId) + ": " + why);
            this.taskId = taskId;
        }

        @Nullable
        String taskId() {
            return taskId;
        }
    }
}
