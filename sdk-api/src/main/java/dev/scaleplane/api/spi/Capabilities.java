package dev.scaleplane.api.spi;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a backend guarantees beyond the delivery contract every backend keeps. The TCK tests what is declared; the SDK
 * refuses an option that needs an undeclared capability with
 * {@link dev.scaleplane.api.events.UnsupportedCapabilityException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Capabilities {

    /** One capability. */
    public enum Capability {
        /** Accepted events survive a restart of the application and of the broker. */
        DURABLE,
        /** Events with the same ordering key are handled in publish order within a group. */
        ORDERED_PER_KEY,
        /** A new group can start from the earliest retained event. */
        REPLAY,
        /** Several processes share topics and groups (not only threads of one JVM). */
        CROSS_PROCESS,
        /** Messages arrive as bytes and are decoded, so undecodable messages can occur and are dead-lettered. */
        WIRE_DECODING
    }

    private final Set<Capability> set;

    private Capabilities(Set<Capability> set) {
        this.set = Collections.unmodifiableSet(set);
    }

    /** Capabilities from the given values. */
    public static Capabilities of(Capability... capabilities) {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        for (Capability c : capabilities) {
            set.add(Objects.requireNonNull(c, "capability"));
        }
        return new Capabilities(set);
    }

    /** Whether {@code capability} is declared. */
    public boolean has(Capability capability) {
        return set.contains(capability);
    }

    /** Every declared capability. */
    public Set<Capability> asSet() {
        return set;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && set.equals(c.set);
    }

    @Override
    public int hashCode() {
        return set.hashCode();
    }

    @Override
    public String toString() {
        return set.toString();
    }
}
