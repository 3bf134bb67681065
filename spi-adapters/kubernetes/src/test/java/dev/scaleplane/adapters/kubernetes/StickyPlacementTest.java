package dev.scaleplane.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.adapters.kubernetes.internal.StickyPlacement;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The placement rule of secret propagation on hand-made fleet snapshots: a holder kept through NO_SCHEDULE, lost at
 * NO_EXECUTE, replaced only inside the residency, a {@code pick(n)} choice kept while it stands, and the residency
 * check made before every write.
 */
class StickyPlacementTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final PlacementPolicy EU_ONE =
            PlacementPolicy.builder().residency("EU").pick(1).build();

    private static ClusterSpec spec(String name, String residency) {
        ClusterSpec.Builder b =
                ClusterSpec.builder(name).region(name + "-region").credentials(ClusterCredentials.inCluster());
        return residency.isEmpty() ? b.build() : b.residency(residency).build();
    }

    private static ClusterState ready(String name, String residency) {
        return new ClusterState(
                spec(name, residency),
                ClusterHealth.READY,
                NOW.minusSeconds(3600),
                List.of(),
                Capacity.ZERO,
                Capacity.ZERO);
    }

    /** Unreachable since 10 s; with NO_EXECUTE too once past the toleration. */
    private static ClusterState unreachable(String name, String residency, boolean pastToleration) {
        List<Taint> taints = new ArrayList<>();
        taints.add(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE));
        if (pastToleration) {
            taints.add(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_EXECUTE));
        }
        return new ClusterState(
                spec(name, residency),
                ClusterHealth.UNKNOWN,
                NOW.minusSeconds(10),
                taints,
                Capacity.ZERO,
                Capacity.ZERO);
    }

    private static FleetSnapshot fleet(ClusterState eu1) {
        return new FleetSnapshot(NOW, List.of(eu1, ready("eu-2", "EU"), ready("us-1", "US"), ready("us-2", "US")));
    }

    @Test
    void aHolderThatIsOnlyNotReadyKeepsTheSecret() {
        PlacementDecision first = StickyPlacement.decide(EU_ONE, fleet(ready("eu-1", "EU")), Set.of(), null, true);
        assertThat(first.chosenNames()).containsExactly("eu-1");

        PlacementDecision d =
                StickyPlacement.decide(EU_ONE, fleet(unreachable("eu-1", "EU", false)), Set.of("eu-1"), first, false);
        assertThat(d.chosenNames()).containsExactly("eu-1");

        // A fresh decision (a changed request) keeps it too, and says why it is shown ready.
        PlacementDecision fresh =
                StickyPlacement.decide(EU_ONE, fleet(unreachable("eu-1", "EU", false)), Set.of("eu-1"), first, true);
        assertThat(fresh.chosenNames()).containsExactly("eu-1");
        assertThat(fresh.verdict("eu-1").orElseThrow().reasons())
                .anySatisfy(r -> assertThat(r).startsWith("holds the secret: UNKNOWN since"));
    }

    @Test
    void aHolderPastItsTolerationFailsOverInsideTheResidencyOnly() {
        PlacementDecision first = StickyPlacement.decide(EU_ONE, fleet(ready("eu-1", "EU")), Set.of(), null, true);
        PlacementDecision d =
                StickyPlacement.decide(EU_ONE, fleet(unreachable("eu-1", "EU", true)), Set.of("eu-1"), first, false);
        assertThat(d.satisfied()).isTrue();
        assertThat(d.chosenNames()).containsExactly("eu-2");

        // No EU cluster left: the decision fails rather than choose us-1 or us-2.
        FleetSnapshot noEu = new FleetSnapshot(
                NOW,
                List.of(
                        unreachable("eu-1", "EU", true),
                        unreachable("eu-2", "EU", true),
                        ready("us-1", "US"),
                        ready("us-2", "US")));
        PlacementDecision none = StickyPlacement.decide(EU_ONE, noEu, Set.of("eu-1"), first, false);
        assertThat(none.satisfied()).isFalse();
        assertThat(none.chosenNames()).isEmpty();
    }

    @Test
    void aPickedClusterStaysPickedWhileItStands() {
        // eu-2 holds it (say, after a failover); eu-1 is back and ranks first by name, but nothing was lost.
        PlacementDecision onEu2 = StickyPlacement.decide(
                EU_ONE.toBuilder().clusters("eu-2").build(), fleet(ready("eu-1", "EU")), Set.of(), null, true);
        PlacementDecision d = StickyPlacement.decide(EU_ONE, fleet(ready("eu-1", "EU")), Set.of("eu-2"), onEu2, false);
        assertThat(d).isSameAs(onEu2);
        // With every feasible cluster wanted, eu-1 joins.
        PlacementDecision all = StickyPlacement.decide(
                PlacementPolicy.builder().residency("EU").build(),
                fleet(ready("eu-1", "EU")),
                Set.of("eu-2"),
                onEu2,
                false);
        assertThat(all.chosenNames()).containsExactly("eu-1", "eu-2");
    }

    @Test
    void theResidencyIsCheckedAgainstTheClusterBeforeAWrite() {
        assertThat(StickyPlacement.residencyAllows(EU_ONE, spec("eu-1", "EU"))).isTrue();
        assertThat(StickyPlacement.residencyAllows(EU_ONE, spec("us-1", "US"))).isFalse();
        assertThat(StickyPlacement.residencyAllows(EU_ONE, spec("none", ""))).isFalse();
        assertThat(StickyPlacement.residencyAllows(PlacementPolicy.builder().build(), spec("us-1", "US")))
                .isTrue();
    }
}
