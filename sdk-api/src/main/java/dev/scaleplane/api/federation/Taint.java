package dev.scaleplane.api.federation;

import java.util.Objects;

/**
 * A taint on a cluster, as on a Kubernetes node: placements that do not {@linkplain Toleration tolerate} it avoid the
 * cluster ({@link Effect#NO_SCHEDULE}), prefer others ({@link Effect#PREFER_NO_SCHEDULE}) or are moved away from it
 * ({@link Effect#NO_EXECUTE}).
 *
 * @param key the taint key, a label key
 * @param value the value; empty when the key alone matters
 * @param effect what the taint does to placements that do not tolerate it
 */
public record Taint(String key, String value, Effect effect) {

    /** Key of the taint a cluster gets automatically while it is not ready. */
    public static final String NOT_READY = "cluster.scaleplane.dev/not-ready";

    /** Key of the taint a cluster gets automatically while its health is unknown (unreachable). */
    public static final String UNREACHABLE = "cluster.scaleplane.dev/unreachable";

    /** What a taint does. */
    public enum Effect {
        /** New placements avoid the cluster; what is there stays. */
        NO_SCHEDULE,
        /** New placements prefer other clusters (a score penalty), but may still choose it. */
        PREFER_NO_SCHEDULE,
        /** New placements avoid the cluster and existing ones fail over away from it. */
        NO_EXECUTE
    }

    /** Validates the key and value. */
    public Taint {
        Names.labelKey(key, "taint key");
        Names.labelValue(value, "taint value");
        Objects.requireNonNull(effect, "effect");
    }

    /** A taint with an empty value. */
    public static Taint of(String key, Effect effect) {
        return new Taint(key, "", effect);
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
    }
}
