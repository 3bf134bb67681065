package dev.scaleplane.api.events;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} value: version {@code 00}, a 16-byte trace id, an 8-byte parent (span) id
 * and trace flags, in lower-case hex.
 *
 * <p>The bus carries it unchanged from publisher to handler; events published while a handler runs get a
 * {@linkplain #child() child} of the handled event's trace context, so a chain of events forms one trace.
 *
 * @param traceId 32 lower-case hex characters, not all zero
 * @param parentId 16 lower-case hex characters, not all zero
 * @param flags trace flags; bit 0 is "sampled"
 */
public record TraceParent(String traceId, String parentId, byte flags) {

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if an id has the wrong length, is not lower-case hex, or is all zero
     */
    public TraceParent {
        checkHex(traceId, 32, "traceId");
        checkHex(parentId, 16, "parentId");
    }

    /**
     * Parses a {@code traceparent} header value such as
     * {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}.
     *
     * @throws IllegalArgumentException if the value is not a valid version-00 traceparent
     */
    public static TraceParent parse(String value) {
        Objects.requireNonNull(value, "value");
        if (value.length() != 55
                || value.charAt(2) != '-'
                || value.charAt(35) != '-'
                || value.charAt(52) != '-'
                || !value.startsWith("00")) {
            throw new IllegalArgumentException("not a version-00 W3C traceparent: '" + value + "'");
        }
        String flagsHex = value.substring(53);
        checkHexChars(flagsHex, "flags");
        return new TraceParent(value.substring(3, 35), value.substring(36, 52), (byte) Integer.parseInt(flagsHex, 16));
    }

    /** A new sampled trace with random ids, for an event that starts a flow. */
    public static TraceParent newRoot() {
        return new TraceParent(randomHex(32), randomHex(16), (byte) 1);
    }

    /** The same trace with a new parent id: the context for work caused by the operation this one identifies. */
    public TraceParent child() {
        return new TraceParent(traceId, randomHex(16), flags);
    }

    /** Whether the sampled flag is set. */
    public boolean sampled() {
        return (flags & 1) != 0;
    }

    /** The header value, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}. */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + parentId + "-" + Character.forDigit((flags >> 4) & 0xf, 16)
                + Character.forDigit(flags & 0xf, 16);
    }

    private static void checkHex(String value, int length, String name) {
        Objects.requireNonNull(value, name);
        if (value.length() != length) {
            throw new IllegalArgumentException(
                    name + " must be " + length + " hex characters, but was '" + value + "'");
        }
        checkHexChars(value, name);
        if (value.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException(name + " must not be all zero");
        }
    }

    private static void checkHexChars(String value, String name) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(name + " must be lower-case hex, but was '" + value + "'");
            }
        }
    }

    private static String randomHex(int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = Character.forDigit(r.nextInt(16), 16);
        }
        if (chars[0] == '0') {
            chars[0] = '1'; // never all zero
        }
        return new String(chars);
    }
}
