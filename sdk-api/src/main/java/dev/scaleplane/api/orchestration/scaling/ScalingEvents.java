package dev.scaleplane.api.orchestration.scaling;

import dev.scaleplane.api.events.EventType;
import java.util.List;

/**
 * The event types of autoscaling. Like the SLO policy's audit types they are not part of the platform catalog: the
 * platform builder adds {@link #all()} to the registry of every platform, unless the registry already uses a name or
 * class.
 *
 * <p>An autoscaler records each decision that changes its pool's count or its reason: appended to the store stream
 * {@link #stream(String) scaling-<pool>}, then published on topic {@value #TOPIC} with the pool as subject.
 */
public final class ScalingEvents {
    /** The topic decisions are published on. */
    public static final String TOPIC = "scaling";

    private static final List<EventType<?>> ALL = List.of(ScalingDecision.TYPE);

    private ScalingEvents() {}

    /** Every scaling event type. */
    public static List<EventType<?>> all() {
        return ALL;
    }

    /** The store stream of a pool's decisions: {@code scaling-<pool>}. */
    public static String stream(String pool) {
        return "scaling-" + pool;
    }
}
