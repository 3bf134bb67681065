package dev.scaleplane.core.internal.memory;

import dev.scaleplane.core.bus.BusMetrics;

/**
 * A topic's groups. Publishers read the {@code groups} array without locking; joins and leaves replace it under the
 * topic's monitor (copy-on-write), which is rare next to publishing.
 */
final class Topic {
    private static final Group[] NONE = new Group[0];

    final String name;
    /** Cached here so that publishing to a subscribed topic needs no second map look-up. */
    final BusMetrics.Count published;

    volatile Group[] groups = NONE;

    Topic(String name, BusMetrics.Count published) {
        this.name = name;
        this.published = published;
    }

    /** Caller holds this monitor. */
    Group find(String group) {
        for (Group g : groups) {
            if (g.name.equals(group)) {
                return g;
            }
        }
        return null;
    }

    /** Caller holds this monitor. */
    void add(Group group) {
        Group[] old = groups;
        Group[] next = java.util.Arrays.copyOf(old, old.length + 1);
        next[old.length] = group;
        groups = next;
    }

    /** Caller holds this monitor. */
    void remove(Group group) {
        Group[] old = groups;
        groups = java.util.Arrays.stream(old).filter(g -> g != group).toArray(Group[]::new);
    }
}
