package dev.scaleplane.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches the simulated clusters outside the residency zone for any Secret, from before a test writes anything to its
 * end (one watch on every namespace of each, so a copy that appears and goes between two looks is still seen), and
 * lists every reachable cluster's Secrets whenever {@link #look()} is called. It reads each mock API server with the
 * simulation's own client, not with the code under test.
 */
final class ResidencyWitness implements AutoCloseable {
    private final SimulatedFleet sim;
    private final Set<String> outside;
    private final List<String> seenOutside = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private int looks;

    /** Starts watching every cluster of {@code outside}. */
    ResidencyWitness(SimulatedFleet sim, Set<String> outside) {
        this.sim = sim;
        this.outside = outside;
        for (String c : outside) {
            watches.add(sim.cluster(c).client().secrets().inAnyNamespace().watch(new Watcher<Secret>() {
                @Override
                public void eventReceived(Action action, Secret s) {
                    seenOutside.add(c + " " + action + " " + s.getMetadata().getNamespace() + "/"
                            + s.getMetadata().getName());
                }

                @Override
                public void onClose(WatcherException e) {
                    seenOutside.add(c + " watch closed: " + e.getMessage());
                }
            }));
        }
    }

    /**
     * Lists the Secrets of every reachable cluster: any outside the zone is recorded as a violation. Returns true, so
     * it can be called first in an await condition ({@code witness.look() && ...}).
     */
    boolean look() {
        looks++;
        for (SimulatedCluster c : sim.clusters()) {
            if (outside.contains(c.name())) {
                List<String> found = c.client().secrets().inAnyNamespace().list().getItems().stream()
                        .map(s -> s.getMetadata().getNamespace() + "/"
                                + s.getMetadata().getName())
                        .toList();
                if (!found.isEmpty()) {
                    violations.add(c.name() + " holds " + found + " at look " + looks);
                }
            }
        }
        return true;
    }

    /** The Secrets (namespace/name to data) of a reachable cluster. */
    Map<String, Map<String, String>> secrets(String cluster) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        sim.cluster(cluster)
                .client()
                .secrets()
                .inAnyNamespace()
                .list()
                .getItems()
                .forEach(s -> out.put(
                        s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
                        s.getData() == null ? Map.of() : s.getData()));
        return out;
    }

    /** Asserts that no look found and no watch saw a Secret outside the zone, and that looks were taken. */
    void assertNothingOutside() {
        look();
        assertThat(violations)
                .as("Secrets listed on clusters outside the residency zone")
                .isEmpty();
        assertThat(seenOutside)
                .as("Secret events watched on clusters outside the residency zone")
                .isEmpty();
        assertThat(looks).isGreaterThan(1);
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
    }
}
