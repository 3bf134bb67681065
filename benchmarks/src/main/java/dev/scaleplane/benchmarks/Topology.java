package dev.scaleplane.benchmarks;

/**
 * Who publishes and who consumes, by the id used in the throughput benchmark's {@code topology} parameter.
 *
 * @param id parameter value
 * @param publishers publisher threads (the JMH thread is one of them)
 * @param groups consumer groups; each group has one consumer thread and handles every event (broadcast)
 */
record Topology(String id, int publishers, int groups) {

    static final Topology ONE_TO_ONE = new Topology("1p1s", 1, 1);
    static final Topology ONE_TO_FOUR_GROUPS = new Topology("1p4g", 1, 4);
    static final Topology FOUR_TO_ONE = new Topology("4p1s", 4, 1);

    static Topology of(String id) {
        for (Topology t : new Topology[] {ONE_TO_ONE, ONE_TO_FOUR_GROUPS, FOUR_TO_ONE}) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown topology '" + id + "'; known: 1p1s, 1p4g, 4p1s");
    }
}
