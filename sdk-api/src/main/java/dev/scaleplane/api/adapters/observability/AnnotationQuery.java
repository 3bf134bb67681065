package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Which annotations {@link ObservabilityAdapter#annotations} returns: those carrying every one of {@code tags} that
 * overlap {@code [from, to]}, newest first, at most {@code limit}.
 *
 * @param tags tags an annotation must all carry; empty for any
 * @param from the start of the window
 * @param to the end of the window, not before {@code from}
 * @param limit the most to return, at least 1
 */
public record AnnotationQuery(Set<String> tags, Instant from, Instant to, int limit) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the window is reversed or the limit below 1
     */
    public AnnotationQuery {
        tags = Set.copyOf(tags);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("annotation query: to " + to + " is before from " + from);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("annotation query: limit must be >= 1, but was " + limit);
        }
    }
}
