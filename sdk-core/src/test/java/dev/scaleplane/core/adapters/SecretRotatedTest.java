package dev.scaleplane.core.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.PlatformEvents;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.FunctionCounter;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rotations on the bus: {@link SecretRotated} registered on every platform next to (not inside) the catalog, and a
 * secrets adapter from {@code platform.adapters().secrets(name)} publishing every rotation its watches report, on the
 * in-memory bus, to typed subscriptions, while the watch's own listener still hears it.
 */
class SecretRotatedTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NAME = "apps/payments/db";

    private final ObservabilityAndSecretsAdaptersTest.KeeperSecrets keeper =
            new ObservabilityAndSecretsAdaptersTest.KeeperSecrets("keeper");

    private ScaleplanePlatform platform(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of(
                "scaleplane.adapters.vault-eu.type", "keeper",
                "scaleplane.adapters.vault-eu.token", "long-enough-token"));
        config.putAll(extra);
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .secretsAdapterProviders(List.of(keeper))
                .build();
    }

    private static <T> BlockingQueue<Event<T>> collect(ScaleplanePlatform platform, String topic, EventType<T> type) {
        BlockingQueue<Event<T>> received = new LinkedBlockingQueue<>();
        platform.events().subscribe(SubscriptionOptions.of(topic, "test"), type, received::add);
        return received;
    }

    private static double published(ScaleplanePlatform platform, String topic) {
        FunctionCounter counter = platform.meterRegistry()
                .find(BusMetrics.PUBLISHED)
                .tag("topic", topic)
                .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static SecretVersion write(SecretsAdapter adapter, String value) {
        return adapter.put(NAME, Map.of("password", Secret.of(value)));
    }

    @Test
    void theTypeIsRegisteredOnEveryPlatformButStaysOutOfTheCatalog() {
        assertThat(PlatformEvents.all()).doesNotContain(SecretEvents.ROTATED);
        try (ScaleplanePlatform defaults = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .build();
                ScaleplanePlatform custom = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .eventTypes(EventTypeRegistry.empty())
                        .build()) {
            assertThat(defaults.eventTypes().typeOf(SecretRotated.class)).isEqualTo(SecretEvents.ROTATED);
            assertThat(custom.eventTypes().byName(SecretEvents.ROTATED_TYPE_NAME))
                    .contains(SecretEvents.ROTATED);
        }
    }

    @Test
    void everyRotationAWatchReportsIsPublishedToTypedSubscribersAndHeardByTheListener() throws Exception {
        try (ScaleplanePlatform platform = platform(Map.of())) {
            BlockingQueue<Event<SecretRotated>> received =
                    collect(platform, SecretEvents.DEFAULT_TOPIC, SecretEvents.ROTATED);
            SecretsAdapter adapter = platform.adapters().secrets("vault-eu");
            write(adapter, "baseline-value");
            List<SecretRotated> heard = new CopyOnWriteArrayList<>();
            AutoCloseable watch = adapter.watch(Set.of(NAME), Duration.ofSeconds(30), heard::add);
            try {
                write(adapter, "second-value");
                write(adapter, "third-value");
            } finally {
                watch.close();
            }
            assertThat(heard).extracting(SecretRotated::version).containsExactly("2", "3");

            for (SecretRotated rotation : heard) {
                Event<SecretRotated> got = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(got).isNotNull();
                assertThat(got.data()).isEqualTo(rotation);
                assertThat(got.type()).isEqualTo(SecretEvents.ROTATED_TYPE_NAME);
                assertThat(got.id()).isEqualTo("keeper:vault-eu:" + NAME + ":" + rotation.version());
                assertThat(got.source()).isEqualTo(URI.create("/scaleplane/secrets/vault-eu"));
                assertThat(got.subject()).isEqualTo(NAME);
                assertThat(got.toString()).doesNotContain("second-value", "third-value");
            }
            assertThat(heard.get(1).previousVersion()).isEqualTo("2");

            // What Kafka or RabbitMQ would carry: the JSON event format, decoded back to the record, with no value.
            EventCodec codec = EventCodec.of(platform.eventTypes());
            Event<SecretRotated> event = SecretEvents.rotated(heard.get(0));
            byte[] json = codec.encodeStructured(event);
            assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
                    .doesNotContain("second-value");
            assertThat(codec.decodeStructured(json).data()).isEqualTo(heard.get(0));
        }
    }

    @Test
    void theTopicIsConfigurablePerInstanceAndPublishingCanBeTurnedOff() throws Exception {
        try (ScaleplanePlatform platform = platform(Map.of(
                "scaleplane.adapters.vault-eu.rotations.topic", "secrets-eu",
                "scaleplane.adapters.vault-us.type", "keeper",
                "scaleplane.adapters.vault-us.token", "long-enough-token",
                "scaleplane.adapters.vault-us.rotations.publish", "false"))) {
            BlockingQueue<Event<SecretRotated>> eu = collect(platform, "secrets-eu", SecretEvents.ROTATED);
            SecretsAdapter euAdapter = platform.adapters().secrets("vault-eu");
            SecretsAdapter usAdapter = platform.adapters().secrets("vault-us");
            List<SecretRotated> heard = new CopyOnWriteArrayList<>();
            for (SecretsAdapter a : List.of(euAdapter, usAdapter)) {
                write(a, "first-value");
                AutoCloseable watch = a.watch(Set.of(NAME), Duration.ofSeconds(30), heard::add);
                try {
                    write(a, "second-value");
                } finally {
                    watch.close();
                }
            }
            assertThat(heard).extracting(SecretRotated::instance).containsExactly("vault-eu", "vault-us");
            Event<SecretRotated> got = eu.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isNotNull();
            assertThat(got.data().instance()).isEqualTo("vault-eu");
            assertThat(published(platform, "secrets-eu")).isEqualTo(1);
            assertThat(published(platform, SecretEvents.DEFAULT_TOPIC)).isZero();
        }
    }

    @Test
    void aListenerThatThrowsLosesNoEvent() throws Exception {
        try (ScaleplanePlatform platform = platform(Map.of())) {
            BlockingQueue<Event<SecretRotated>> received =
                    collect(platform, SecretEvents.DEFAULT_TOPIC, SecretEvents.ROTATED);
            SecretsAdapter adapter = platform.adapters().secrets("vault-eu");
            write(adapter, "first-value");
            AutoCloseable watch = adapter.watch(Set.of(NAME), Duration.ofSeconds(30), r -> {
                throw new IllegalStateException("the listener failed");
            });
            try {
                // The simulation calls listeners on the writing thread, so the listener's failure surfaces here.
                assertThatThrownBy(() -> write(adapter, "second-value")).hasMessage("the listener failed");
            } finally {
                watch.close();
            }
            Event<SecretRotated> got = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isNotNull();
            assertThat(got.data().version()).isEqualTo("2");
        }
    }

    @Test
    void aBusThatRefusesTheEventStillLetsTheListenerHearIt() throws Exception {
        ScaleplanePlatform busOwner =
                Scaleplane.builder().config(ScaleplaneProperties.of(Map.of())).build();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.adapters.vault-eu.type", "keeper",
                        "scaleplane.adapters.vault-eu.token", "long-enough-token")))
                .secretsAdapterProviders(List.of(keeper))
                .eventBus(busOwner.events())
                .build()) {
            busOwner.close(); // the bus is closed: every publish fails
            SecretsAdapter adapter = platform.adapters().secrets("vault-eu");
            write(adapter, "first-value");
            List<SecretRotated> heard = new CopyOnWriteArrayList<>();
            AutoCloseable watch = adapter.watch(Set.of(NAME), Duration.ofSeconds(30), heard::add);
            try {
                write(adapter, "second-value");
            } finally {
                watch.close();
            }
            assertThat(heard).extracting(SecretRotated::version).containsExactly("2");
        }
    }

    @Test
    void withTheCacheARotationDropsTheNameBeforeSubscribersAndTheListenerHearOfIt() throws Exception {
        try (ScaleplanePlatform platform = platform(Map.of(
                "scaleplane.adapters.vault-eu.cache.enabled", "true",
                "scaleplane.adapters.vault-eu.cache.ttl", "1h"))) {
            SecretsAdapter adapter = platform.adapters().secrets("vault-eu");
            BlockingQueue<String> readBySubscriber = new LinkedBlockingQueue<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.of(SecretEvents.DEFAULT_TOPIC, "reloader"),
                            SecretEvents.ROTATED,
                            e -> readBySubscriber.add(
                                    adapter.get(e.data().name()).version()));
            write(adapter, "first-value");
            assertThat(adapter.get(NAME).version()).isEqualTo("1"); // now cached for an hour
            List<String> readByListener = new CopyOnWriteArrayList<>();
            FakeSecrets system = keeper.created.get("vault-eu");
            AutoCloseable watch = adapter.watch(
                    Set.of(NAME),
                    Duration.ofSeconds(30),
                    r -> readByListener.add(adapter.get(r.name()).version()));
            try {
                // Rotated in the system, not through the platform's adapter: only the watch tells the cache.
                system.put(NAME, Map.of("password", Secret.of("rotated-value")));
            } finally {
                watch.close();
            }
            assertThat(readByListener).containsExactly("2");
            assertThat(readBySubscriber.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo("2");
        }
    }

    @Test
    void anInvalidRotationsTopicIsAConfigurationProblemAtBuildTime() {
        assertThatThrownBy(() -> platform(Map.of("scaleplane.adapters.vault-eu.rotations.topic", "secret rotations")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly(SecretEvents.rotationsTopicKey("vault-eu")));
    }
}
