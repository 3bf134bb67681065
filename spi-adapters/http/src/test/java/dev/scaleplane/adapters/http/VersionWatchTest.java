package dev.scaleplane.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.adapters.http.VersionWatch.Versions;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared rotation watch over a reader backed by a map: what each poll reports, in order, and what it survives. */
class VersionWatchTest {
    private static final Duration NEVER_DURING_THE_TEST = Duration.ofHours(1);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private final Map<String, Versions> store = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    private final List<SecretRotated> heard = new CopyOnWriteArrayList<>();
    private VersionWatch watch;

    private Optional<Versions> read(String name) {
        RuntimeException failure = failures.get(name);
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(store.get(name));
    }

    private VersionWatch watch(Duration interval, String... names) {
        watch = VersionWatch.start("sys", "main", Set.of(names), interval, this::read, heard::add, CLOCK, () -> 0.5);
        return watch;
    }

    @AfterEach
    void close() {
        if (watch != null) {
            watch.close();
        }
    }

    private List<String> heard() {
        return heard.stream()
                .map(r -> r.name() + " " + r.previousVersion() + "->" + r.version())
                .toList();
    }

    @Test
    void theBaselineIsNotReportedAndEveryKeptVersionAfterItIsInOrder() {
        store.put("db", new Versions("2", List.of("1", "2")));
        watch(NEVER_DURING_THE_TEST, "db");
        watch.poll();
        assertThat(heard).isEmpty();
        store.put("db", new Versions("5", List.of("1", "2", "3", "4", "5")));
        watch.poll();
        watch.poll();
        assertThat(heard()).containsExactly("db 2->3", "db 3->4", "db 4->5");
        assertThat(heard).allSatisfy(r -> {
            assertThat(r.system()).isEqualTo("sys");
            assertThat(r.instance()).isEqualTo("main");
            assertThat(r.observedAt()).isEqualTo(CLOCK.instant());
        });
    }

    @Test
    void withoutHistoryOnlyTheCurrentVersionIsReported() {
        store.put("db", Versions.of("a"));
        watch(NEVER_DURING_THE_TEST, "db");
        store.put("db", Versions.of("b"));
        store.put("db", Versions.of("c"));
        watch.poll();
        assertThat(heard()).containsExactly("db a->c");
    }

    @Test
    void aNameWithoutVersionTakesItsFirstAsBaselineAndARecreatedOneIsReportedAlone() {
        watch(NEVER_DURING_THE_TEST, "db");
        store.put("db", new Versions("1", List.of("1")));
        watch.poll();
        assertThat(heard).isEmpty();
        store.put("db", new Versions("3", List.of("1", "2", "3")));
        watch.poll();
        store.remove("db");
        watch.poll();
        store.put("db", new Versions("1", List.of("1")));
        watch.poll();
        assertThat(heard()).containsExactly("db 1->2", "db 2->3", "db 3->1");
    }

    @Test
    void aFailedReadKeepsTheLastVersionAndAFailingListenerDoesNotStopTheWatch() {
        store.put("db", Versions.of("a"));
        store.put("api", Versions.of("x"));
        List<SecretRotated> seen = new CopyOnWriteArrayList<>();
        watch = VersionWatch.start(
                "sys",
                "main",
                Set.of("db", "api"),
                NEVER_DURING_THE_TEST,
                this::read,
                r -> {
                    seen.add(r);
                    throw new IllegalStateException("listener broke");
                },
                CLOCK,
                () -> 0.5);
        failures.put("db", new IllegalStateException("denied"));
        store.put("db", Versions.of("b"));
        store.put("api", Versions.of("y"));
        watch.poll();
        assertThat(seen).extracting(SecretRotated::name).containsExactly("api");
        failures.clear();
        watch.poll();
        assertThat(seen)
                .extracting(r -> r.name() + " " + r.previousVersion() + "->" + r.version())
                .containsExactly("api x->y", "db a->b");
    }

    @Test
    void theWatchPollsOnItsOwnUntilClosed() {
        store.put("db", Versions.of("a"));
        watch(Duration.ofMillis(5), "db");
        store.put("db", Versions.of("b"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        watch.close();
        assertThat(watch.isClosed()).isTrue();
        int after = heard.size();
        store.put("db", Versions.of("c"));
        watch.poll();
        assertThat(heard).hasSize(after);
        assertThat(heard()).first().isEqualTo("db a->b");
    }

    @Test
    void namesAndIntervalAreChecked() {
        assertThatThrownBy(() -> watch(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> watch(Duration.ZERO, "db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }
}
