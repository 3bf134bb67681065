package dev.scaleplane.adapters.linear.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The lookup cache's two bounds: entries (least recently used out first) and age. */
class LookupCacheTest {
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void holdsAtMostMaxEntriesDroppingTheLeastRecentlyUsed() {
        LookupCache<String, Integer> cache = new LookupCache<>(2, Duration.ofMinutes(10), new MovingClock());
        cache.put("a", 1);
        cache.put("b", 2);
        assertThat(cache.get("a")).hasValue(1);
        cache.put("c", 3);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isEmpty();
        assertThat(cache.get("a")).hasValue(1);
        assertThat(cache.get("c")).hasValue(3);
    }

    @Test
    void forgetsAnEntryOnceItIsAsOldAsTheTtlAndStoresNothingWithATtlOfZero() {
        MovingClock clock = new MovingClock();
        LookupCache<String, Integer> cache = new LookupCache<>(8, Duration.ofMinutes(10), clock);
        cache.put("team", 1);
        clock.now = clock.now.plus(Duration.ofMinutes(10)).minusMillis(1);
        assertThat(cache.get("team")).hasValue(1);
        clock.now = clock.now.plusMillis(1);
        assertThat(cache.get("team")).isEmpty();
        assertThat(cache.size()).isZero();

        LookupCache<String, Integer> off = new LookupCache<>(8, Duration.ZERO, clock);
        off.put("team", 1);
        assertThat(off.get("team")).isEmpty();
        cache.put("x", 1);
        cache.invalidate("x");
        assertThat(cache.get("x")).isEmpty();
    }
}
