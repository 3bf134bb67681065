package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.events.EventType;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes Event seen in a cluster of the fleet, as {@link KubernetesEventSource} publishes it (type
 * {@value #TYPE_NAME}). A series update (the same Event with a higher {@code series.count}) is a new observation; the
 * envelope's id is {@code <cluster>/<uid>/<seriesCount>}, so the same observation always has the same id.
 *
 * @param cluster the cluster the Event is in
 * @param namespace the Event's namespace
 * @param name the Event's name
 * @param uid the Event's uid
 * @param type {@code Normal} or {@code Warning}
 * @param reason why the action was taken, e.g. {@code FailedScheduling}
 * @param action what was done, may be empty
 * @param note the human-readable note, may be empty
 * @param regardingKind kind of the object the Event is about, may be empty
 * @param regardingNamespace its namespace, may be empty
 * @param regardingName its name, may be empty
 * @param reportingController who reported it, may be empty
 * @param seriesCount 1 for a single occurrence, else {@code series.count}
 * @param observedAt the last observation time ({@code series.lastObservedTime}, else {@code eventTime}, else the
 *     creation time)
 */
public record KubernetesEventObserved(
        String cluster,
        String namespace,
        String name,
        String uid,
        String type,
        String reason,
        String action,
        String note,
        String regardingKind,
        String regardingNamespace,
        String regardingName,
        String reportingController,
        int seriesCount,
        @Nullable Instant observedAt) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.kubernetes.event.v1";

    /** The type to register with the platform's {@link dev.scaleplane.api.events.EventTypeRegistry}. */
    public static final EventType<KubernetesEventObserved> TYPE =
            EventType.of(TYPE_NAME, KubernetesEventObserved.class);

    /**
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if {@code seriesCount < 1}
     */
    public KubernetesEventObserved {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(regardingKind, "regardingKind");
        Objects.requireNonNull(regardingNamespace, "regardingNamespace");
        Objects.requireNonNull(regardingName, "regardingName");
        Objects.requireNonNull(reportingController, "reportingController");
        if (seriesCount < 1) {
            throw new IllegalArgumentException("seriesCount must be >= 1, but was " + seriesCount);
        }
    }

    /** Whether the Event's type is {@code Warning}. */
    public boolean isWarning() {
        return "Warning".equals(type);
    }
}
