package dev.scaleplane.core.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.tck.store.TckClock;
import dev.scaleplane.testing.CapturedOutput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every rule of {@link SecretsCache} on a virtual clock, with background refreshes queued and run by the test: no test
 * sleeps or waits for time to pass. The secrets system is the in-memory {@link FakeSecrets}, which counts its reads.
 */
class SecretsCacheTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String DB = "apps/payments/db";

    private final TckClock clock = new TckClock(Instant.parse("2026-03-02T10:00:00Z"));
    private final Queue<Runnable> background = new ConcurrentLinkedQueue<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSecrets system = new FakeSecrets("vault-eu", "vault");
    private final List<SecretsCache> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(SecretsCache::close);
    }

    /** A cache on the virtual clock whose background refreshes wait in {@link #background}; no refresh ahead. */
    private SecretsCache.Builder cache() {
        return SecretsCache.builder(system)
                .clock(clock)
                .executor(background::add)
                .meterRegistry(registry)
                .ttl(TTL)
                .refreshAhead(Duration.ZERO);
    }

    private SecretsCache open(SecretsCache.Builder builder) {
        SecretsCache c = builder.build();
        opened.add(c);
        return c;
    }

    private SecretVersion write(String name, String password) {
        return system.put(name, Map.of("password", Secret.of(password)));
    }

    private double count(String meter) {
        Counter c = registry.find(meter)
                .tags("system", "vault", "instance", "vault-eu")
                .counter();
        return c == null ? 0 : c.count();
    }

    private int runBackground() {
        int ran = 0;
        for (Runnable r = background.poll(); r != null; r = background.poll()) {
            r.run();
            ran++;
        }
        return ran;
    }

    private AdapterUnavailableException unavailable() {
        return new AdapterUnavailableException(system.facts("GET", DB, 503), false, null);
    }

    /** What {@code body} writes to the standard streams, where slf4j-simple logs. */
    private static String printed(Runnable body) {
        return CapturedOutput.of(body);
    }

    @Test
    void theLatestVersionIsServedFromMemoryForTheTtlThenReloaded() {
        SecretsCache cache = open(cache());
        write(DB, "s3cret-one");
        assertThat(cache.get(DB).version()).isEqualTo("1");
        clock.advance(TTL.minusMillis(1));
        write(DB, "s3cret-two");
        assertThat(cache.get(DB).version())
                .as("still fresh: the cache does not know of version 2 before the TTL ends")
                .isEqualTo("1");
        assertThat(system.reads).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        SecretVersion reloaded = cache.get(DB);
        assertThat(reloaded.version()).isEqualTo("2");
        assertThat(reloaded.field("password").reveal()).isEqualTo("s3cret-two");
        assertThat(system.reads).hasValue(2);
        assertThat(count(SecretsCache.HITS)).isEqualTo(1);
        assertThat(count(SecretsCache.MISSES)).isEqualTo(2);
        assertThat(count(SecretsCache.LOADS)).isEqualTo(2);
        assertThat(background).as("no refresh ahead configured").isEmpty();
    }

    @Test
    void aPinnedVersionNeverExpiresWhileStagesFollowTheTtl() {
        SecretsCache cache = open(cache());
        write(DB, "first-value");
        write(DB, "second-value");
        assertThat(cache.get(DB, SecretSelector.version("1")).field("password").reveal())
                .isEqualTo("first-value");
        assertThat(cache.get(DB, SecretSelector.stage("AWSCURRENT")).version()).isEqualTo("2");
        assertThat(system.reads).hasValue(2);

        clock.advance(Duration.ofDays(30));
        write(DB, "third-value");
        assertThat(cache.get(DB, SecretSelector.version("1")).version()).isEqualTo("1");
        assertThat(system.reads).as("the pinned version was not read again").hasValue(2);
        assertThat(cache.get(DB, SecretSelector.stage("AWSCURRENT")).version())
                .as("the stage expired and moved on")
                .isEqualTo("3");
        assertThat(system.reads).hasValue(3);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aReadInTheRefreshWindowReloadsInTheBackgroundAndNoReaderWaits() {
        SecretsCache cache = open(cache().ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(2)));
        write(DB, "before-rotation");
        cache.get(DB); // loaded at 10:00, fresh until 10:10, refresh window from 10:08
        clock.advance(Duration.ofMinutes(8).minusMillis(1));
        cache.get(DB);
        assertThat(background).as("before the window").isEmpty();

        clock.advance(Duration.ofMillis(1));
        write(DB, "after-rotation");
        assertThat(cache.get(DB).version()).as("answered from memory at once").isEqualTo("1");
        assertThat(cache.get(DB).version()).isEqualTo("1");
        assertThat(background)
                .as("one refresh, however many reads in the window")
                .hasSize(1);
        assertThat(runBackground()).isEqualTo(1);
        assertThat(system.reads).hasValue(2);

        assertThat(cache.get(DB).version()).isEqualTo("2");
        // Refreshed at 10:08: fresh until 10:18, next window from 10:16.
        clock.advance(Duration.ofMinutes(8).minusMillis(1));
        cache.get(DB);
        assertThat(background).isEmpty();
        clock.advance(Duration.ofMillis(1));
        cache.get(DB);
        assertThat(background).hasSize(1);
        assertThat(count(SecretsCache.MISSES))
                .as("only the first read ever waited")
                .isEqualTo(1);
        assertThat(count(SecretsCache.HITS)).isEqualTo(6);
    }

    @Test
    void aFailedBackgroundRefreshIsCountedAndTheCachedVersionServedUntilItExpires() {
        SecretsCache cache = open(cache().ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(2)));
        write(DB, "refresh-me-value");
        cache.get(DB);
        clock.advance(Duration.ofMinutes(9));
        system.failReads(unavailable());
        cache.get(DB);
        String logs = printed(() -> assertThat(runBackground()).isEqualTo(1));
        assertThat(count(SecretsCache.REFRESH_FAILURES)).isEqualTo(1);
        assertThat(logs).contains("vault-eu", DB, "503").doesNotContain("refresh-me-value");

        assertThat(cache.get(DB).version())
                .as("still fresh; the read tries another refresh")
                .isEqualTo("1");
        assertThat(runBackground()).isEqualTo(1);
        assertThat(count(SecretsCache.REFRESH_FAILURES)).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> cache.get(DB))
                .as("expired, and no stale-if-error configured")
                .isInstanceOf(AdapterUnavailableException.class);
        assertThat(count(SecretsCache.REFRESH_FAILURES)).isEqualTo(3);
        assertThat(cache.size())
                .as("a value that will not be served again is not kept")
                .isZero();
    }

    @Test
    void staleIfErrorServesTheLastVersionWhileTheSystemFailsForAtMostTheBoundThenFails() {
        SecretsCache cache = open(cache().staleIfError(Duration.ofMinutes(10)));
        write(DB, "keep-serving-me");
        cache.get(DB); // expires at 10:05, may be served stale until 10:15
        clock.advance(TTL);
        system.failReads(unavailable());
        String logs = printed(
                () -> assertThat(cache.get(DB).field("password").reveal()).isEqualTo("keep-serving-me"));
        assertThat(logs).contains("stale", DB).doesNotContain("keep-serving-me");

        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        system.failReads(new AdapterRateLimitedException(system.facts("GET", DB, 429), Duration.ofMinutes(1), null));
        assertThat(cache.get(DB).version())
                .as("rate-limited counts as the system failing")
                .isEqualTo("1");
        assertThat(count(SecretsCache.STALE)).isEqualTo(2);

        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> cache.get(DB)).isInstanceOf(AdapterRateLimitedException.class);
        assertThat(cache.size()).isZero();
        assertThat(count(SecretsCache.STALE)).isEqualTo(2);

        system.failReads(null);
        assertThat(cache.get(DB).version()).isEqualTo("1");
        assertThat(count(SecretsCache.REFRESH_FAILURES)).isEqualTo(3);
    }

    @Test
    void failuresThatAreNotOutagesAreNeverHiddenAndADeletedSecretLeavesTheCache() {
        SecretsCache cache = open(cache().staleIfError(Duration.ofHours(1)));
        write(DB, "revoked-access-value");
        cache.get(DB);
        cache.get(DB, SecretSelector.version("1"));
        clock.advance(TTL);

        system.failReads(new AdapterAuthenticationException(system.facts("GET", DB, 403), null));
        assertThatThrownBy(() -> cache.get(DB))
                .as("access taken away is not an outage")
                .isInstanceOf(AdapterAuthenticationException.class);
        system.failReads(new AdapterRequestRefusedException(system.facts("GET", DB, 400), null));
        assertThatThrownBy(() -> cache.get(DB)).isInstanceOf(AdapterRequestRefusedException.class);
        assertThat(count(SecretsCache.STALE)).isZero();

        write(DB, "another-value");
        cache.get(DB, SecretSelector.version("1")); // pinned: a hit whatever the system says
        system.failReads(new AdapterNotFoundException(system.facts("GET", DB, 404), null));
        assertThatThrownBy(() -> cache.get(DB, SecretSelector.stage("AWSCURRENT")))
                .isInstanceOf(AdapterNotFoundException.class);
        assertThat(cache.size())
                .as("every entry of the deleted name, the pinned one too")
                .isZero();
    }

    @Test
    void manyThreadsReadingOneNameCauseOneLoadWhenItIsColdAndWhenItExpired() throws Exception {
        SecretsCache cache = open(cache());
        write(DB, "shared-value");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 1; round <= 2; round++) {
                double missesBefore = count(SecretsCache.MISSES);
                // The one read of the system is held until every reader has missed: a cache that let each reader
                // load would have all of them here at once, and the count below would be theirs.
                system.gate(name -> Awaitility.await("every reader missed")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> count(SecretsCache.MISSES) - missesBefore == threads));
                List<Future<SecretVersion>> reads = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    reads.add(pool.submit(() -> cache.get(DB)));
                }
                for (Future<SecretVersion> read : reads) {
                    assertThat(read.get(10, TimeUnit.SECONDS).field("password").reveal())
                            .isEqualTo("shared-value");
                }
                system.gate(null);
                assertThat(system.reads).as("round " + round).hasValue(round);
                assertThat(count(SecretsCache.LOADS)).isEqualTo(round);
                clock.advance(TTL);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoadInFlightWhenTheNameIsWrittenAnswersItsReaderButIsNotKept() throws Exception {
        SecretsCache cache = open(cache());
        write(DB, "old-value");
        CountDownLatch atGate = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        system.gate(name -> {
            atGate.countDown();
            release.await(10, TimeUnit.SECONDS);
        });
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<SecretVersion> inFlight = reader.submit(() -> cache.get(DB));
            assertThat(atGate.await(10, TimeUnit.SECONDS)).isTrue();
            system.gate(null);
            cache.put(DB, Map.of("password", Secret.of("new-value")));
            release.countDown();
            assertThat(inFlight.get(10, TimeUnit.SECONDS).version()).isEqualTo("1");
        } finally {
            reader.shutdownNow();
        }
        assertThat(cache.get(DB).version())
                .as("version 1 was read before the write")
                .isEqualTo("2");
        assertThat(system.reads).hasValue(2);
    }

    @Test
    void aRotationReportedByAWatchDropsTheNameBeforeTheListenerHearsOfIt() throws Exception {
        SecretsCache cache = open(cache());
        write(DB, "rotating-one");
        write("apps/payments/api-key", "untouched-key");
        cache.get(DB);
        cache.get("apps/payments/api-key");
        List<String> readByListener = new ArrayList<>();
        AutoCloseable watch = cache.watch(
                Set.of(DB),
                Duration.ofSeconds(30),
                r -> readByListener.add(cache.get(r.name()).version()));
        try {
            write(DB, "rotating-two"); // in the system, not through the cache: only the watch tells
        } finally {
            watch.close();
        }
        assertThat(readByListener).containsExactly("2");
        assertThat(cache.get("apps/payments/api-key").version()).isEqualTo("1");
        assertThat(system.reads)
                .as("one load per name, and one after the rotation")
                .hasValue(3);
    }

    @Test
    void aWriteThroughTheCacheDropsTheName() {
        SecretsCache cache = open(cache());
        write(DB, "written-one");
        cache.get(DB);
        cache.get(DB, SecretSelector.stage("AWSCURRENT"));
        SecretVersion written = cache.put(DB, Map.of("password", Secret.of("written-two")));
        assertThat(cache.size()).isZero();
        assertThat(cache.get(DB).version()).isEqualTo(written.version());
    }

    @Test
    void theLeastRecentlyReadEntryGoesWhenTheCacheIsFull() {
        SecretsCache cache = open(cache().maxEntries(2));
        for (String n : List.of("a", "b", "c")) {
            write(n, "value-of-" + n);
        }
        cache.get("a");
        cache.get("b");
        cache.get("a");
        cache.get("c"); // b is the least recently read
        assertThat(cache.size()).isEqualTo(2);
        cache.get("a");
        cache.get("c");
        assertThat(system.reads).hasValue(3);
        cache.get("b");
        assertThat(system.reads).hasValue(4);
        assertThat(registry.find(SecretsCache.SIZE).gauge().value()).isEqualTo(2);
    }

    @Test
    void metersAreTaggedBySystemAndInstanceOnlyAndNothingShowsAValue() {
        SecretsCache cache = open(cache());
        write(DB, "never-print-me");
        SecretVersion read = cache.get(DB);
        cache.get(DB);
        List<Meter> meters = registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("scaleplane.secrets.cache."))
                .toList();
        assertThat(meters)
                .extracting(m -> m.getId().getName())
                .containsExactlyInAnyOrder(
                        SecretsCache.HITS,
                        SecretsCache.MISSES,
                        SecretsCache.LOADS,
                        SecretsCache.REFRESH_FAILURES,
                        SecretsCache.STALE,
                        SecretsCache.SIZE);
        for (Meter m : meters) {
            assertThat(m.getId().getTags())
                    .as(m.getId().getName())
                    .containsExactlyInAnyOrder(Tag.of("system", "vault"), Tag.of("instance", "vault-eu"));
        }
        assertThat(cache.toString()).contains("vault-eu", "PT5M").doesNotContain("never-print-me", DB);
        assertThat(read.toString()).doesNotContain("never-print-me");
    }

    @Test
    void theBuilderRejectsBadSettingsNamingThem() {
        Supplier<SecretsCache.Builder> b = () -> SecretsCache.builder(system);
        assertThatThrownBy(() -> b.get().ttl(Duration.ZERO)).hasMessageContaining("ttl must be > 0, but was PT0S");
        assertThatThrownBy(() -> b.get().refreshAhead(Duration.ofSeconds(-1)))
                .hasMessageContaining("refreshAhead must be >= 0");
        assertThatThrownBy(() -> b.get().staleIfError(Duration.ofSeconds(-1)))
                .hasMessageContaining("staleIfError must be >= 0");
        assertThatThrownBy(() -> b.get().maxEntries(0)).hasMessageContaining("maxEntries must be >= 1, but was 0");
        assertThatThrownBy(() -> b.get()
                        .ttl(Duration.ofMinutes(1))
                        .refreshAhead(Duration.ofMinutes(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refreshAhead must be shorter than ttl (PT1M)");
        SecretsCache defaults = open(b.get());
        assertThat(defaults.toString())
                .as("a fifth of the TTL ahead, no stale-if-error")
                .contains("ttl=PT5M", "refreshAhead=PT1M", "staleIfError=PT0S", "maxEntries=10000");
    }

    @Test
    void closingDropsEveryEntryClosesTheAdapterOnceAndRefusesReads() {
        SecretsCache cache = cache().build();
        write(DB, "closing-value");
        cache.get(DB);
        cache.close();
        cache.close();
        assertThat(cache.size()).isZero();
        assertThat(system.closed).hasValue(1);
        assertThat(registry.find(SecretsCache.SIZE).gauge()).isNull();
        assertThatThrownBy(() -> cache.get(DB))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vault-eu")
                .hasMessageContaining("closed");
    }
}
