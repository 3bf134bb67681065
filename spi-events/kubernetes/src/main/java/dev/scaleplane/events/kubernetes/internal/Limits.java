package dev.scaleplane.events.kubernetes.internal;

import io.fabric8.kubernetes.api.model.MicroTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The limits the apiserver enforces on events.k8s.io/v1 Events, and cutting text to them safely.
 *
 * <p>The apiserver measures {@code reason}, {@code action}, {@code reportingController} and {@code reportingInstance}
 * (128 each) and {@code note} (1 kB) in bytes of UTF-8 (Go's {@code len}), so text is cut by bytes, at a code point
 * boundary, never inside a multi-byte character.
 */
public final class Limits {
    /** Longest {@code reason}, {@code action}, {@code reportingController}, {@code reportingInstance}: 128 bytes. */
    public static final int MAX_SHORT_FIELD = 128;

    /** Longest {@code note}: 1 kB. */
    public static final int MAX_NOTE = 1024;

    /** Appended to text that was cut. */
    public static final String ELLIPSIS = "\u2026";

    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Limits() {}

    /** The UTF-8 length of {@code s}. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * {@code s} if it fits in {@code maxBytes} of UTF-8; otherwise its longest prefix of whole code points that fits
     * together with {@link #ELLIPSIS}, followed by the ellipsis.
     *
     * @throws IllegalArgumentException if {@code maxBytes} cannot hold the ellipsis
     */
    public static String truncateUtf8(String s, int maxBytes) {
        int ellipsis = ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
        if (maxBytes < ellipsis) {
            throw new IllegalArgumentException("maxBytes must be >= " + ellipsis + ", but was " + maxBytes);
        }
        if (utf8Length(s) <= maxBytes) {
            return s;
        }
        int budget = maxBytes - ellipsis;
        int used = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (Character.isSurrogate(s.charAt(i)) && Character.charCount(cp) == 1) {
                size = 3; // an unpaired surrogate is written as U+FFFD, three bytes
            }
            if (used + size > budget) {
                break;
            }
            used += size;
            i += Character.charCount(cp);
        }
        return s.substring(0, i) + ELLIPSIS;
    }

    /** An events.k8s.io/v1 {@code MicroTime} for {@code t}, in the apiserver's format (microseconds, UTC). */
    public static MicroTime microTime(Instant t) {
        return new MicroTime(MICRO.format(t));
    }

    /** Parses a {@code MicroTime} or RFC 3339 timestamp, or returns {@code null} when absent or unparsable. */
    public static @Nullable Instant instant(@Nullable MicroTime time) {
        if (time == null || time.getTime() == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time.getTime()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * An ordering key for a resourceVersion. Resource versions are opaque to clients; every apiserver (etcd revisions)
     * and the fabric8 mock issue decimal integers, which this orders numerically. Anything else sorts last, by text.
     */
    public static long order(@Nullable String resourceVersion) {
        if (resourceVersion == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
