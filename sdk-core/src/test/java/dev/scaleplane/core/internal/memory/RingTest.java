package dev.scaleplane.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RingTest {

    private static Event<String> event(String id) {
        return Event.builder("test.ring.v1", id).id(id).source("/test").build();
    }

    @Test
    void rejectsCapacityThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new Ring(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offersUntilFullThenAcceptsAgainAfterAdvance() {
        Ring ring = new Ring(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(event("e" + i), false)).isTrue();
        }
        assertThat(ring.offer(event("e4"), false)).isFalse();
        assertThat(ring.size()).isEqualTo(4);

        assertThat(ring.peek().id()).isEqualTo("e0");
        ring.advance();
        assertThat(ring.offer(event("e4"), false)).isTrue();
        List<String> ids = new ArrayList<>();
        for (Event<?> e; (e = ring.peek()) != null; ring.advance()) {
            ids.add(e.id());
        }
        assertThat(ids).containsExactly("e1", "e2", "e3", "e4");
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void stampsTheSampledSlotsAndTheSlotsAskedFor() {
        Ring ring = new Ring(2 * Ring.STAMP_EVERY);
        long before = System.nanoTime();
        for (int i = 0; i < 2 * Ring.STAMP_EVERY; i++) {
            ring.offer(event("e" + i), i == 5);
        }
        List<Integer> stamped = new ArrayList<>();
        for (int i = 0; ring.peek() != null; i++, ring.advance()) {
            long nanos = ring.headNanos();
            if (nanos != Ring.NO_TIME) {
                assertThat(nanos - before).isNotNegative();
                stamped.add(i);
            }
        }
        assertThat(stamped).containsExactly(0, 5, Ring.STAMP_EVERY);
    }

    @Test
    void aStampRequestStampsTheNextOfferOnly() {
        Ring ring = new Ring(64);
        ring.offer(event("sampled"), false); // slot 0: sampled anyway
        ring.offer(event("plain"), false);
        ring.requestStamp();
        ring.offer(event("requested"), false);
        ring.offer(event("plain-again"), false);
        ring.requestStamp();
        ring.offer(new Event<?>[] {event("run-1"), event("run-2")}, 0, 2, false);
        ring.offer(event("after-the-run"), false);
        List<String> stamped = new ArrayList<>();
        for (; ring.peek() != null; ring.advance()) {
            if (ring.headNanos() != Ring.NO_TIME) {
                stamped.add(ring.peek().id());
            }
        }
        assertThat(stamped).containsExactly("sampled", "requested", "run-1", "run-2");
    }

    @Test
    void aClaimedSlotCountsAsAcceptedBeforeItsEventIsVisibleAndUntilTheConsumerAdvances() {
        // A parking worker re-checks hasAccepted(), not peek(): a publisher that claimed a slot and read the parked
        // flag as unset will not wake it, so the claim alone must keep the worker from parking.
        Ring ring = new Ring(4);
        assertThat(ring.hasAccepted()).isFalse();
        assertThat(ring.casProducerIndex(0, 1)).isTrue(); // a producer between its claim and its write
        assertThat(ring.peek()).isNull();
        assertThat(ring.hasAccepted()).isTrue();

        Ring other = new Ring(4);
        other.offer(event("a"), false);
        other.offer(new Event<?>[] {event("b"), event("c")}, 0, 2, false);
        for (int left = 3; left > 0; left--) {
            assertThat(other.hasAccepted()).as("%d not advanced past", left).isTrue();
            assertThat(other.peek()).isNotNull();
            other.advance();
        }
        assertThat(other.hasAccepted()).isFalse();
    }

    @Test
    void peekWithoutAdvanceKeepsTheHead() {
        Ring ring = new Ring(2);
        ring.offer(event("a"), false);
        assertThat(ring.peek().id()).isEqualTo("a");
        assertThat(ring.peek().id()).isEqualTo("a");
    }

    @Test
    void concurrentProducersLoseNothingAndKeepPerProducerOrder() throws Exception {
        Ring ring = new Ring(64);
        int producers = 4;
        int perProducer = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    Event<String> e = event(producer + ":" + i);
                    while (!ring.offer(e, false)) {
                        Thread.onSpinWait();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        consumeInProducerOrder(ring, producers, perProducer, threads);
    }

    @Test
    void aBatchOfferTakesWhatFitsInOrderAndStampsLikeSingleOffers() {
        Ring ring = new Ring(8);
        Event<?>[] events = new Event<?>[12];
        for (int i = 0; i < events.length; i++) {
            events[i] = event("e" + i);
        }
        long before = System.nanoTime();

        assertThat(ring.offer(events, 0, 5, false)).isEqualTo(5);
        assertThat(ring.offer(events, 5, 12, false)).as("room for 3 of 7").isEqualTo(3);
        assertThat(ring.offer(events, 8, 12, true)).as("full").isZero();
        assertThat(ring.size()).isEqualTo(8);

        List<String> ids = new ArrayList<>();
        List<Integer> stamped = new ArrayList<>();
        for (int i = 0; ring.peek() != null; i++, ring.advance()) {
            ids.add(ring.peek().id());
            if (ring.headNanos() != Ring.NO_TIME) {
                assertThat(ring.headNanos() - before).isNotNegative();
                stamped.add(i);
            }
        }
        assertThat(ids).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7");
        assertThat(stamped).as("only the sampled slot 0").containsExactly(0);

        assertThat(ring.offer(events, 8, 12, true)).isEqualTo(4);
        for (; ring.peek() != null; ring.advance()) {
            assertThat(ring.headNanos()).as("stamped on request").isNotEqualTo(Ring.NO_TIME);
        }
    }

    @Test
    void concurrentBatchAndSingleProducersLoseNothingAndKeepPerProducerOrder() throws Exception {
        Ring ring = new Ring(64);
        int producers = 4;
        int perProducer = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                Event<?>[] batch = new Event<?>[1 + producer * 7]; // 1, 8, 15 and 22 events per batch
                int i = 0;
                while (i < perProducer) {
                    int n = Math.min(batch.length, perProducer - i);
                    for (int k = 0; k < n; k++) {
                        batch[k] = event(producer + ":" + (i + k));
                    }
                    int from = 0;
                    while (from < n) {
                        int added = producer == 0
                                ? (ring.offer(batch[from], false) ? 1 : 0)
                                : ring.offer(batch, from, n, false);
                        if (added == 0) {
                            Thread.onSpinWait();
                        }
                        from += added;
                    }
                    i += n;
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        consumeInProducerOrder(ring, producers, perProducer, threads);
    }

    /** Consumes events with ids {@code producer:seq}, checking each producer's order, then joins the producers. */
    private static void consumeInProducerOrder(Ring ring, int producers, int perProducer, List<Thread> threads)
            throws InterruptedException {
        int[] next = new int[producers];
        int received = 0;
        while (received < producers * perProducer) {
            Event<?> e = ring.peek();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            String[] parts = e.id().split(":");
            int producer = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[producer]);
            next[producer]++;
            ring.advance();
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(next).containsOnly(perProducer);
        assertThat(ring.isEmpty()).isTrue();
    }
}
