package dev.scaleplane.core.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SerialIndexTest {

    private record Task(long serial) {}

    private final SerialIndex<Task> index = new SerialIndex<>(1 << 12, Task::serial);

    @Test
    void aTaskHeldWhileItsSlotComesRoundAgainIsStillFound() {
        Task old = new Task(0);
        index.put(old);
        // a window of 100 tasks moves past the ring many times while task 0 stays
        ArrayDeque<Task> window = new ArrayDeque<>();
        for (long s = 1; s < 50_000; s++) {
            Task t = new Task(s);
            index.put(t);
            window.addLast(t);
            if (window.size() > 100) {
                assertThat(index.remove(window.pollFirst())).isTrue();
            }
            assertThat(index.get(s)).isSameAs(t);
        }
        assertThat(index.get(0)).isSameAs(old);
        assertThat(index.size()).isEqualTo(101);
        assertThat(index.remove(old)).isTrue();
        assertThat(index.get(0)).isNull();
        assertThat(index.values()).containsExactlyInAnyOrderElementsOf(window);
    }

    @Test
    void removeTakesOnlyTheSameObjectAndMissingSerialsAreNull() {
        Task t = new Task(7);
        index.put(t);
        assertThat(index.remove(new Task(7))).isFalse();
        assertThat(index.get(7)).isSameAs(t);
        assertThat(index.get(7 + 1024)).isNull();
        assertThat(index.get(8)).isNull();
        assertThat(index.remove(t)).isTrue();
        assertThat(index.remove(t)).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void randomPutsAndRemovesAgreeWithAMap() {
        SplittableRandom random = new SplittableRandom(42);
        Map<Long, Task> model = new HashMap<>();
        List<Task> held = new ArrayList<>();
        long next = 0;
        for (int step = 0; step < 200_000; step++) {
            if (held.isEmpty() || random.nextInt(100) < 52) {
                Task t = new Task(next++);
                index.put(t);
                model.put(t.serial(), t);
                held.add(t);
            } else {
                // mostly the oldest, sometimes any: like tasks that finish roughly in order
                int i = random.nextInt(10) == 0 ? random.nextInt(held.size()) : 0;
                Task t = held.remove(i);
                assertThat(index.remove(t)).isTrue();
                model.remove(t.serial());
            }
            long probe = random.nextLong(Math.max(1, next));
            assertThat(index.get(probe)).isSameAs(model.get(probe));
        }
        assertThat(index.size()).isEqualTo(model.size());
        assertThat(index.values()).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void theRingBoundIsAPowerOfTwoWithRoomForTwiceTheTasksHeld() {
        assertThat(SerialIndex.ringFor(0)).isEqualTo(1024);
        assertThat(SerialIndex.ringFor(200_000)).isEqualTo(1 << 19);
        assertThat(SerialIndex.ringFor(Long.MAX_VALUE / 4)).isEqualTo(1 << 20);
        assertThatThrownBy(() -> new SerialIndex<Task>(1000, Task::serial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRing must be a power of two >= 1024, but was 1000");
    }
}
