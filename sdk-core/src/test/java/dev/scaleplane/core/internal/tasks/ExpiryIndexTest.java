package dev.scaleplane.core.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ExpiryIndexTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static final class L extends ExpiryIndex.Member {
        final long sequence;
        Instant at = Instant.EPOCH;

        L(long sequence) {
            this.sequence = sequence;
        }

        @Override
        long sequence() {
            return sequence;
        }

        @Override
        Instant expiry() {
            return at;
        }

        @Override
        public String toString() {
            return "L" + sequence + "@" + at;
        }
    }

    private final ExpiryIndex<L> index = new ExpiryIndex<>();

    private void add(L l, Instant at) {
        l.at = at;
        index.add(l, at);
    }

    @Test
    void dueLeasesComeInExpiryThenGrantOrderWhateverLineOrHeapHoldsThem() {
        L a = new L(1);
        L b = new L(2);
        L c = new L(3);
        L d = new L(4);
        add(a, T0.plusSeconds(10));
        add(b, T0.plusSeconds(10));
        add(c, T0.plusSeconds(20));
        add(d, T0.plusSeconds(5)); // earlier than the line's tail: the heap
        assertThat(index.earliest()).isEqualTo(T0.plusSeconds(5));
        // a heartbeat of the earliest grant to the same expiry as the later ones
        index.remove(a);
        assertThat(a.indexed()).isFalse();
        add(a, T0.plusSeconds(20));

        assertThat(index.takeDue(T0.plusSeconds(4))).isEmpty();
        assertThat(index.takeDue(T0.plusSeconds(10))).containsExactly(d, b);
        assertThat(index.earliest()).isEqualTo(T0.plusSeconds(20));
        assertThat(index.takeDue(T0.plusSeconds(20))).containsExactly(a, c);
        assertThat(index.earliest()).isNull();
        assertThat(index.size()).isZero();
        assertThat(a.indexed()).isFalse();
    }

    @Test
    void removedLeasesNeverComeDueAndEmptiedBatchesDoNotHideLaterOnes() {
        List<L> leases = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            L l = new L(i);
            leases.add(l);
            add(l, T0.plusMillis(i / 10)); // batches of ten
        }
        for (L l : leases) {
            if (l.sequence != 999 && l.sequence != 500) {
                index.remove(l);
            }
        }
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.earliest()).isEqualTo(T0.plusMillis(50));
        assertThat(index.takeDue(T0.plusSeconds(1))).containsExactly(leases.get(500), leases.get(999));
    }

    @Test
    void randomArmsAndRemovesAgreeWithASortedSet() {
        SplittableRandom random = new SplittableRandom(7);
        Comparator<L> order = Comparator.comparing((L l) -> l.at).thenComparingLong(l -> l.sequence);
        TreeSet<L> model = new TreeSet<>(order);
        List<L> all = new ArrayList<>();
        Instant now = T0;
        for (int step = 0; step < 50_000; step++) {
            int action = random.nextInt(100);
            if (action < 45) {
                L l = new L(all.size());
                all.add(l);
                // mostly one timeout (in order), sometimes another
                Instant at = now.plusMillis(random.nextInt(10) == 0 ? random.nextInt(3000) : 1000);
                add(l, at);
                model.add(l);
            } else if (action < 80 && !all.isEmpty()) {
                L l = all.get(random.nextInt(all.size()));
                if (l.indexed()) {
                    model.remove(l);
                    index.remove(l);
                    if (random.nextBoolean()) { // a heartbeat
                        add(l, now.plusMillis(random.nextInt(2000)));
                        model.add(l);
                    }
                }
            } else {
                now = now.plusMillis(random.nextInt(20));
                List<L> expected = new ArrayList<>();
                while (!model.isEmpty() && !model.first().at.isAfter(now)) {
                    expected.add(model.pollFirst());
                }
                assertThat(index.takeDue(now)).containsExactlyElementsOf(expected);
            }
            assertThat(index.size()).isEqualTo(model.size());
            assertThat(index.earliest()).isEqualTo(model.isEmpty() ? null : model.first().at);
        }
    }
}
