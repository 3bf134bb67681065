package dev.scaleplane.api.capacity;

import dev.scaleplane.api.events.EventType;
import java.util.List;

/**
 * The event types of capacity planning. Like the scaling and SLO-policy types they are not part of the platform
 * catalog: the platform builder adds {@link #all()} to the registry of every platform, unless the registry already uses
 * a name or class.
 *
 * <p>Samples and shortfalls of a region are appended to the store stream {@link #stream(String) capacity-&lt;region&gt;};
 * shortfalls are also published on topic {@value #TOPIC} with the region as subject.
 */
public final class CapacityEvents {
    /** The topic shortfalls are published on. */
    public static final String TOPIC = "capacity";

    private static final List<EventType<?>> ALL = List.of(CapacitySampled.TYPE, CapacityShortfallProjected.TYPE);

    private CapacityEvents() {}

    /** Every capacity event type. */
    public static List<EventType<?>> all() {
        return ALL;
    }

    /** The store stream of a region's samples and shortfalls: {@code capacity-<region>}. */
    public static String stream(String region) {
        return "capacity-" + region;
    }
}
