package dev.scaleplane.federation.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
    private static final List<String> KEYS = keys(6000);

    private static List<String> keys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("cluster-" + i);
        }
        return keys;
    }

    private static Map<String, String> assign(List<String> members) {
        Map<String, String> out = new HashMap<>();
        for (String k : KEYS) {
            out.put(k, Rendezvous.owner(k, members));
        }
        return out;
    }

    @Test
    void spreadsKeysEvenlyOverSimilarNames() {
        List<String> members = List.of("replica-1", "replica-2", "replica-3", "replica-4", "replica-5");
        Map<String, Integer> counts = new HashMap<>();
        assign(members).values().forEach(m -> counts.merge(m, 1, Integer::sum));
        assertThat(counts).containsOnlyKeys(members);
        // 1,200 expected each; a fair hash stays within a few standard deviations (about 31).
        counts.values().forEach(c -> assertThat(c).isBetween(1050, 1350));
    }

    @Test
    void aJoiningMemberTakesOnlyKeysFromOthersAndAboutItsShare() {
        Map<String, String> before = assign(List.of("a", "b", "c"));
        Map<String, String> after = assign(List.of("a", "b", "c", "d"));
        int moved = 0;
        for (String k : KEYS) {
            if (!before.get(k).equals(after.get(k))) {
                assertThat(after.get(k))
                        .as("a moved key goes to the new member")
                        .isEqualTo("d");
                moved++;
            }
        }
        assertThat(moved).isBetween(1300, 1700); // a quarter of 6,000
    }

    @Test
    void aLeavingMemberMovesOnlyItsOwnKeys() {
        Map<String, String> before = assign(List.of("a", "b", "c"));
        Map<String, String> after = assign(List.of("a", "c"));
        for (String k : KEYS) {
            if (!before.get(k).equals("b")) {
                assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
            } else {
                assertThat(after.get(k)).isIn("a", "c");
            }
        }
    }

    @Test
    void theOwnerDoesNotDependOnTheOrderOfMembersAndNoMembersMeansNoOwner() {
        for (String k : KEYS.subList(0, 200)) {
            assertThat(Rendezvous.owner(k, List.of("x", "y", "z")))
                    .isEqualTo(Rendezvous.owner(k, List.of("z", "x", "y")));
        }
        assertThat(Rendezvous.owner("k", List.of())).isNull();
    }
}
