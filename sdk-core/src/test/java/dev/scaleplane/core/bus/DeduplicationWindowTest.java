package dev.scaleplane.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeduplicationWindowTest {
    private static final long WINDOW = Duration.ofSeconds(10).toNanos();
    private static final URI SOURCE = URI.create("urn:scaleplane:test");
    private static final String K = DeduplicationWindow.key(SOURCE, "a");

    private static String key(String id) {
        return DeduplicationWindow.key(SOURCE, id);
    }

    private static DeduplicationWindow window(int maxEntries) {
        return new DeduplicationWindow(Duration.ofNanos(WINDOW), maxEntries);
    }

    @Test
    void anEntryIsADuplicateUntilJustBeforeTheWindowEnds() {
        DeduplicationWindow w = window(10);
        long t = 1_000;
        w.record(K, t);
        assertThat(w.seen(K, t)).as("same instant").isTrue();
        assertThat(w.seen(K, t + WINDOW - 1)).as("just before the edge").isTrue();
        assertThat(w.seen(K, t + WINDOW)).as("exactly at the edge: expired").isFalse();
        assertThat(w.seen(K, t + WINDOW + 1)).as("just after the edge").isFalse();
    }

    @Test
    void theEdgeHoldsAcrossNanoTimeWrapAround() {
        DeduplicationWindow w = window(10);
        long t = Long.MAX_VALUE - WINDOW / 2;
        w.record(K, t);
        assertThat(w.seen(K, t + WINDOW - 1)).isTrue(); // wraps to a negative reading
        assertThat(w.seen(K, t + WINDOW)).isFalse();
    }

    @Test
    void aFilteredDuplicateDoesNotRefreshTheEntry() {
        DeduplicationWindow w = window(10);
        w.record(K, 0);
        assertThat(w.seen(K, WINDOW - 1))
                .as("a repeat late in the window is filtered")
                .isTrue();
        assertThat(w.seen(K, WINDOW))
                .as("but the entry still expires one window after it was handled")
                .isFalse();
    }

    @Test
    void handlingAgainAfterExpiryStartsANewWindow() {
        DeduplicationWindow w = window(10);
        w.record(K, 0);
        assertThat(w.seen(K, WINDOW)).isFalse();
        w.record(K, WINDOW);
        assertThat(w.seen(K, 2 * WINDOW - 1)).isTrue();
        assertThat(w.seen(K, 2 * WINDOW)).isFalse();
    }

    @Test
    void seenWithoutRecordIsNotRemembered() {
        DeduplicationWindow w = window(10);
        assertThat(w.seen(K, 0)).isFalse();
        // the handler failed: nothing recorded, so the retry is handed over again
        assertThat(w.seen(K, 1)).isFalse();
        assertThat(w.size()).isZero();
        w.record(K, 2);
        assertThat(w.seen(K, 3)).isTrue();
    }

    @Test
    void beyondMaxEntriesTheOldestIsForgottenFirst() {
        DeduplicationWindow w = window(3);
        String a = key("a"), b = key("b"), c = key("c"), d = key("d");
        w.record(a, 1);
        w.record(b, 2);
        w.record(c, 3);
        w.record(d, 4);
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.seen(a, 5)).isFalse();
        assertThat(w.seen(b, 5)).isTrue();
        assertThat(w.seen(c, 5)).isTrue();
        assertThat(w.seen(d, 5)).isTrue();
    }

    @Test
    void recordingAKeyAgainMakesItTheNewest() {
        DeduplicationWindow w = window(3);
        String a = key("a"), b = key("b"), c = key("c"), d = key("d");
        w.record(a, 1);
        w.record(b, 2);
        w.record(c, 3);
        w.record(a, 4); // handled again (say, by a concurrent worker): now the newest
        w.record(d, 5);
        assertThat(w.seen(b, 6)).isFalse();
        assertThat(w.seen(a, 6)).isTrue();
        assertThat(w.seen(c, 6)).isTrue();
        assertThat(w.seen(d, 6)).isTrue();
        assertThat(w.seen(a, 4 + WINDOW - 1)).isTrue();
    }

    @Test
    void expiredEntriesAreDroppedAsLaterOnesAreRecorded() {
        DeduplicationWindow w = window(100);
        for (int i = 0; i < 10; i++) {
            w.record(DeduplicationWindow.key(SOURCE, "e" + i), i);
        }
        w.record(K, 9 + WINDOW);
        assertThat(w.size())
                .as("entries recorded at 0..9 have expired by 9 + window")
                .isEqualTo(1);
    }

    @Test
    void theSameIdFromAnotherSourceIsAnotherEvent() {
        DeduplicationWindow w = window(10);
        w.record(DeduplicationWindow.key(URI.create("urn:a"), "42"), 0);
        assertThat(w.seen(DeduplicationWindow.key(URI.create("urn:b"), "42"), 1))
                .isFalse();
        assertThat(w.seen(DeduplicationWindow.key(URI.create("urn:a"), "42"), 1))
                .isTrue();
    }

    @Test
    void keysOfDifferentPairsNeverCollide() {
        // the separator cannot occur in a URI, so moving characters between source and id changes the key
        assertThat(DeduplicationWindow.key(URI.create("urn:a"), "b\u0000c"))
                .isNotEqualTo(DeduplicationWindow.key(URI.create("urn:a%00b"), "c"));
        assertThat(DeduplicationWindow.key(URI.create("urn:ab"), "c"))
                .isNotEqualTo(DeduplicationWindow.key(URI.create("urn:a"), "bc"));
        assertThat(DeduplicationWindow.key(URI.create("urn:a"), "b"))
                .isEqualTo("urn:a" + DeduplicationWindow.SEPARATOR + "b");
    }

    @Test
    void theKeyOfAnEventIsItsSourceAndId() {
        Event<String> event = Event.builder("test.happened", "payload")
                .id("id-1")
                .source(SOURCE)
                .build();
        assertThat(DeduplicationWindow.key(event)).isEqualTo(DeduplicationWindow.key(SOURCE, "id-1"));
    }

    @Test
    void isBuiltFromSubscriptionOptionsOnlyWhenAskedFor() {
        assertThat(DeduplicationWindow.of(SubscriptionOptions.builder("t", "g").build()))
                .isNull();
        DeduplicationWindow w = DeduplicationWindow.of(SubscriptionOptions.builder("t", "g")
                .deduplicate(Duration.ofSeconds(3), 7)
                .build());
        assertThat(w).isNotNull();
        assertThat(w.windowNanos()).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(w.maxEntries()).isEqualTo(7);
    }

    @Test
    void rejectsAnEmptyWindowOrBound() {
        assertThatThrownBy(() -> new DeduplicationWindow(Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window must be > 0");
        assertThatThrownBy(() -> new DeduplicationWindow(Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntries must be >= 1, but was 0");
        assertThat(new DeduplicationWindow(Duration.ofDays(365L * 1000), 1).windowNanos())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void concurrentWorkersShareOneWindowSafely() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        DeduplicationWindow all = window(threads * perThread);
        DeduplicationWindow bounded = window(1_000);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String key = DeduplicationWindow.key(SOURCE, thread + "-" + i);
                        long now = i;
                        assertThat(all.seen(key, now)).isFalse();
                        all.record(key, now);
                        bounded.seen(key, now);
                        bounded.record(key, now);
                        assertThat(bounded.size()).isLessThanOrEqualTo(1_000);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(all.size()).isEqualTo(threads * perThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(all.seen(DeduplicationWindow.key(SOURCE, t + "-" + i), perThread))
                        .isTrue();
            }
        }
        assertThat(bounded.size()).isEqualTo(1_000);
    }
}
