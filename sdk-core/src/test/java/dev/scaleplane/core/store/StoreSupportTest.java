package dev.scaleplane.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.store.InMemoryEventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The shared store support: upcasting chains, polling catch-up, retention rules, stream names. */
class StoreSupportTest {

    private static Event<String> event(String type, String data) {
        return Event.builder(type, data)
                .source("/test")
                .dataContentType("text/plain")
                .build();
    }

    @Test
    void upcastersChainAndKeepTheEnvelope() {
        EventStore store = UpcastingEventStore.wrap(
                new InMemoryEventStore(Clock.systemUTC(), RetentionPolicy.none()),
                List.of(
                        EventUpcaster.of("x.v1", "x.v2", d -> d + "+2"),
                        EventUpcaster.of("x.v2", "x.v3", d -> d + "+3")));
        Event<String> old = event("x.v1", "a");
        store.append("s-1", ExpectedVersion.NO_STREAM, List.of(old, event("x.v2", "b"), event("y.v1", "c")))
                .join();

        List<RecordedEvent> read = store.readStream("s-1", ReadDirection.FORWARD, 0, 10);

        assertThat(read).extracting(r -> r.event().type()).containsExactly("x.v3", "x.v3", "y.v1");
        assertThat(read).extracting(r -> (Object) r.event().data()).containsExactly("a+2+3", "b+3", "c");
        assertThat(read.get(0).event().id()).isEqualTo(old.id());
        assertThat(read.get(0).event().source()).isEqualTo(old.source());
        assertThat(read.get(0).event().time()).isEqualTo(old.time());
        store.close();
    }

    @Test
    void aCycleOfUpcastersFailsTheReadAndDuplicatesFailTheWrap() {
        InMemoryEventStore memory = new InMemoryEventStore(Clock.systemUTC(), RetentionPolicy.none());
        EventStore store = UpcastingEventStore.wrap(
                memory, List.of(EventUpcaster.of("a.v1", "b.v1", d -> d), EventUpcaster.of("b.v1", "a.v1", d -> d)));
        store.append("s-1", ExpectedVersion.ANY, List.of(event("a.v1", "x"))).join();
        assertThatThrownBy(() -> store.readStream("s-1", ReadDirection.FORWARD, 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cycle");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> UpcastingEventStore.wrap(
                        memory,
                        List.of(EventUpcaster.of("a.v1", "b.v1", d -> d), EventUpcaster.of("a.v1", "c.v1", d -> d))));
        assertThat(UpcastingEventStore.wrap(memory, List.of())).isSameAs(memory);
        memory.close();
    }

    @Test
    void aStoreThatCannotSignalIsFollowedByPolling() {
        InMemoryEventStore store = new InMemoryEventStore(Clock.systemUTC(), RetentionPolicy.none());
        // A second set of subscriptions that the store never signals: like a PostgreSQL reader of another process.
        CatchUpSubscriptions polling = new CatchUpSubscriptions(store, Duration.ofMillis(20), "test-poll");
        List<Long> seen = new CopyOnWriteArrayList<>();
        store.append("s-1", ExpectedVersion.ANY, List.of(event("x.v1", "history")))
                .join();
        CatchUpSubscription sub = polling.subscribe(
                CatchUpOptions.builder().subscriberId("poller").build(), e -> seen.add(e.position()));
        await().atMost(Duration.ofSeconds(30)).until(sub::isLive);
        store.append("s-1", ExpectedVersion.ANY, List.of(event("x.v1", "live"))).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly(0L, 1L);
        polling.close();
        assertThat(sub.isRunning()).isFalse();
        assertThat(store.checkpoint("poller")).hasValue(1);
        assertThatThrownBy(() -> polling.subscribe(CatchUpOptions.fromStart(), e -> {}))
                .isInstanceOf(IllegalStateException.class);
        store.close();
    }

    @Test
    void retentionRulesAreReadPerCategoryIncludingDottedOnes() {
        ConfigReader reader = new ConfigReader(ScaleplaneProperties.of(Map.of(
                "scaleplane.store.retention.ci.build.max-age", "2h",
                "scaleplane.store.retention.ci.build.max-count", "5",
                "scaleplane.store.retention.audit.max-count", "100")));
        RetentionPolicy policy = RetentionPolicy.fromConfig(reader);
        reader.throwIfInvalid();
        assertThat(policy.rules())
                .containsOnly(
                        Map.entry("ci.build", new RetentionPolicy.Rule(Duration.ofHours(2), 5)),
                        Map.entry("audit", new RetentionPolicy.Rule(null, 100)));
        assertThat(policy.ruleFor("ci.build-42")).isPresent();
        assertThat(policy.ruleFor("deployment-1")).isEmpty();

        RetentionPolicy.Rule rule = policy.rules().get("ci.build");
        long now = Instant.parse("2030-01-01T12:00:00Z").toEpochMilli();
        long hour = Duration.ofHours(1).toMillis();
        assertThat(RetentionPolicy.retains(rule, 10, 10, now - hour, now)).isTrue();
        assertThat(RetentionPolicy.retains(rule, 10, 10, now - 2 * hour, now))
                .as("exactly max-age old")
                .isFalse();
        assertThat(RetentionPolicy.retains(rule, 6, 10, now, now)).isTrue();
        assertThat(RetentionPolicy.retains(rule, 5, 10, now, now))
                .as("the sixth newest")
                .isFalse();
        assertThat(RetentionPolicy.retains(null, 0, 1_000_000, 0, now)).isTrue();

        ConfigReader bad = new ConfigReader(ScaleplaneProperties.of(
                Map.of("scaleplane.store.retention.ci.max-count", "0", "scaleplane.store.retention.ci.maxage", "1d")));
        RetentionPolicy.fromConfig(bad);
        assertThatThrownBy(bad::throwIfInvalid)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.store.retention.ci.max-count", "scaleplane.store.retention.ci.maxage"));
    }

    @Test
    void streamNamesAndCategories() {
        assertThat(StreamNames.requireValid("deployment-42:a.b_c")).isEqualTo("deployment-42:a.b_c");
        assertThat(StreamNames.category("deployment-42-x")).isEqualTo("deployment");
        assertThat(StreamNames.category("audit")).isEqualTo("audit");
        assertThatIllegalArgumentException().isThrownBy(() -> StreamNames.requireValid("a b"));
        assertThatIllegalArgumentException().isThrownBy(() -> StreamNames.requireValid("é"));
        assertThatIllegalArgumentException().isThrownBy(() -> StreamNames.requireValid(""));
        assertThatIllegalArgumentException().isThrownBy(() -> StreamNames.requireValid("a".repeat(201)));
    }
}
