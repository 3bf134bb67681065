package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The bus's own message headers (all prefixed {@value #PREFIX}) and conversions of AMQP header values. CloudEvents
 * attributes travel as {@code cloudEvents:<attribute>} headers (AMQP binding 3.1.3.1); these are transport headers
 * that only the retry and dead-letter paths add.
 */
public final class Headers {
    /** Prefix of the bus's own headers. */
    public static final String PREFIX = "x-scaleplane-";
    /** Handler attempts made so far (int). */
    public static final String ATTEMPTS = PREFIX + "attempts";
    /** Epoch milliseconds of the first failed attempt (long). */
    public static final String FIRST_FAILURE = PREFIX + "first-failure";
    /** Epoch milliseconds of the last failed attempt (long). */
    public static final String LAST_FAILURE = PREFIX + "last-failure";
    /** Id of a dead letter within its destination. */
    public static final String DEAD_LETTER_ID = PREFIX + "dead-letter-id";
    /** Topic the dead letter was published to. */
    public static final String TOPIC = PREFIX + "topic";
    /** Group that gave up on it. */
    public static final String GROUP = PREFIX + "group";
    /** {@link dev.scaleplane.api.events.DeadLetter.Reason} name. */
    public static final String REASON = PREFIX + "reason";
    /** Class name of the last failure. */
    public static final String EXCEPTION_TYPE = PREFIX + "exception-type";
    /** Message of the last failure. */
    public static final String EXCEPTION_MESSAGE = PREFIX + "exception-message";
    /** Stack trace of the last failure, truncated. */
    public static final String STACK_TRACE = PREFIX + "stack-trace";
    /** Queue and delivery the dead letter came from. */
    public static final String ORIGIN = PREFIX + "origin";
    /** Publish sequence number, to match a returned (unroutable) message to its publish. */
    public static final String PUBLISH_SEQ = PREFIX + "publish-seq";

    private Headers() {}

    /** The header value as a string: AMQP long strings decoded, timestamps in RFC 3339; null stays null. */
    public static @Nullable String string(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Date d) {
            return DateTimeFormatter.ISO_INSTANT.format(d.toInstant());
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return value.toString();
    }

    /** A long from a numeric header, or {@code defaultValue}. */
    public static long number(@Nullable Map<String, Object> headers, String name, long defaultValue) {
        if (headers == null) {
            return defaultValue;
        }
        Object v = headers.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v != null) {
            try {
                return Long.parseLong(v.toString());
            } catch (NumberFormatException e) {
                return defaultValue;
            }
        }
        return defaultValue;
    }

    /**
     * The message's headers and content type as strings, for the codec and for raw dead letters. The {@code
     * content-type} property appears as header {@code content-type}.
     */
    public static Map<String, String> strings(AMQP.BasicProperties props, boolean includeOwn) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> headers = props.getHeaders();
        if (headers != null) {
            for (Map.Entry<String, Object> h : headers.entrySet()) {
                if (!includeOwn && (h.getKey().startsWith(PREFIX) || h.getKey().equals("x-death"))) {
                    continue;
                }
                String v = string(h.getValue());
                if (v != null) {
                    out.put(h.getKey(), v);
                }
            }
        }
        if (props.getContentType() != null) {
            out.put("content-type", props.getContentType());
        }
        return out;
    }

    /** The header map of a copy: the original's headers without the bus's own and without x-death. */
    public static Map<String, Object> withoutOwn(@Nullable Map<String, Object> headers) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (!k.startsWith(PREFIX) && !k.equals("x-death")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** An instant from an epoch-millisecond header, or {@code defaultValue}. */
    public static Instant instant(@Nullable Map<String, Object> headers, String name, Instant defaultValue) {
        long millis = number(headers, name, Long.MIN_VALUE);
        return millis == Long.MIN_VALUE ? defaultValue : Instant.ofEpochMilli(millis);
    }
}
