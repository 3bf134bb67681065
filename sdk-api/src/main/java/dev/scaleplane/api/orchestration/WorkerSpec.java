package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.events.SubscriptionOptions;
import java.util.Map;
import java.util.Objects;

/**
 * The static description of a worker: who it is, how many tasks it runs at once, its share of traffic under weighted
 * dispatch and the labels task constraints match against. What changes while the worker runs (tasks in flight,
 * health) is in a {@link WorkerView}.
 *
 * <p>Immutable and thread-safe; two specs are equal when every component is.
 *
 * @param id the worker's id, unique within a registry; 1-200 characters from letters, digits, {@code . _ -}
 * @param slots how many tasks the worker runs at once; {@code >= 1}. No strategy dispatches beyond it.
 * @param weight the worker's relative share under weighted strategies; {@code >= 1}
 * @param labels free-form attributes (zone, hardware, version) matched by label constraints; copied, never
 *     {@code null}, keys and values non-null
 */
public record WorkerSpec(String id, int slots, int weight, Map<String, String> labels) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if {@code id} is not a valid name, or {@code slots} or {@code weight} is below
     *     1
     * @throws NullPointerException if any component, label key or label value is {@code null}
     */
    public WorkerSpec {
        id = SubscriptionOptions.checkName(id, "id");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, but was " + slots);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, but was " + weight);
        }
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    }

    /**
     * A worker with weight 1 and no labels.
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static WorkerSpec of(String id, int slots) {
        return new WorkerSpec(id, slots, 1, Map.of());
    }

    /** This spec with {@code weight} instead; validated as the canonical constructor. */
    public WorkerSpec withWeight(int weight) {
        return new WorkerSpec(id, slots, weight, labels);
    }

    /** This spec with {@code labels} instead of its own; validated as the canonical constructor. */
    public WorkerSpec withLabels(Map<String, String> labels) {
        return new WorkerSpec(id, slots, weight, labels);
    }

    /**
     * Whether every entry of {@code required} is among this worker's labels with the same value; an empty map
     * matches every worker.
     */
    public boolean hasLabels(Map<String, String> required) {
        for (Map.Entry<String, String> e : required.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
