package dev.scaleplane.api.capacity;

import dev.scaleplane.api.events.EventType;
import java.time.Instant;
import java.util.Objects;

/**
 * A region is projected to run out of a resource within the planner's horizon: its projected demand exceeds what it
 * has allocatable today at {@code when}.
 *
 * <p>Type name {@value #TYPE_NAME}; appended to the store stream {@link CapacityEvents#stream(String)
 * capacity-&lt;region&gt;} and published on topic {@value CapacityEvents#TOPIC} with the region as subject.
 *
 * @param region the region
 * @param resource the resource that runs out
 * @param when the start of the first step at which projected demand exceeds {@code available}
 * @param required the projected peak demand over the horizon times (1 + headroom), in the resource's unit
 *     (millicores, bytes, pods)
 * @param available what the region has allocatable at {@code plannedAt}, in the same unit
 * @param plannedAt the time of the fleet snapshot the plan was made from
 */
public record CapacityShortfallProjected(
        String region, Resource resource, Instant when, long required, long available, Instant plannedAt) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.capacity.shortfall.projected.v1";

    /** The registered type. */
    public static final EventType<CapacityShortfallProjected> TYPE =
            EventType.of(TYPE_NAME, CapacityShortfallProjected.class);

    /** Validates required fields. */
    public CapacityShortfallProjected {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(plannedAt, "plannedAt");
    }
}
