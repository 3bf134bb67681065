package dev.scaleplane.adapters.webhooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Small readers of webhook payloads, lenient where senders differ. Stateless and thread-safe. */
final class Payloads {
    /** GitLab's webhook time format, e.g. {@code 2016-08-12 15:23:28 UTC}. */
    private static final DateTimeFormatter GITLAB_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private Payloads() {}

    /** The text at {@code node}, or null when it is missing, null or not a scalar. */
    static @Nullable String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    /** The first non-null of {@link #text} over {@code nodes}. */
    static @Nullable String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            String text = text(node);
            if (text != null) {
                return text;
            }
        }
        return null;
    }

    /**
     * A time in any of the forms the senders use: ISO-8601 with {@code Z} or an offset (GitHub, Jenkins' {@code
     * 2024-05-01T10:00:00.5+00:00}), or GitLab's {@code 2016-08-12 15:23:28 UTC}.
     */
    static Optional<Instant> instant(JsonNode node) {
        String text = text(node);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            // not ISO-8601 with an offset
        }
        try {
            return Optional.of(ZonedDateTime.parse(text, GITLAB_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The URI in {@code text}, or empty when it is absent or malformed. */
    static Optional<URI> uri(@Nullable String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(text));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code name} as one segment of an event type name: lower case, every run of characters other than {@code a-z},
     * {@code 0-9} and {@code _} made one {@code _}, at most 64 characters; {@code unknown} when nothing is left.
     */
    static String segment(@Nullable String name) {
        if (name == null) {
            return "unknown";
        }
        String s = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        s = s.replaceAll("^_+|_+$", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "unknown" : s;
    }
}
