package dev.scaleplane.api.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of an {@link AuditQuery}'s results.
 *
 * @param events the matching events in global position order
 * @param nextPosition where the next page continues ({@link AuditQuery.Builder#afterPosition(long)}), or empty when
 *     this is the last page
 */
public record AuditPage(List<RecordedEvent> events, OptionalLong nextPosition) {
    /** Copies the list. */
    public AuditPage {
        events = List.copyOf(events);
    }
}
