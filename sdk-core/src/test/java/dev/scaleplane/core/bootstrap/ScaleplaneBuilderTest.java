package dev.scaleplane.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ScaleplaneBuilderTest {

    record Custom(String name) {}

    private static DeploymentRequested deployment(String id) {
        return new DeploymentRequested(id, "shop", "1.2.3", "prod", List.of("ams-1"), "alice");
    }

    @Test
    void embeddedDefaultsPublishAndHandleTypedEvents() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.empty())
                .meterRegistry(registry)
                .source(URI.create("/test/builder"))
                .build()) {
            assertThat(platform.eventBusBackend()).isEqualTo("memory");
            List<Event<DeploymentRequested>> seen = new CopyOnWriteArrayList<>();
            platform.events()
                    .subscribe(SubscriptionOptions.of("deployments", "g"), DeploymentRequested.TYPE, seen::add);

            platform.events().publish("deployments", deployment("d-1")).join();

            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
            Event<DeploymentRequested> event = seen.get(0);
            assertThat(event.data().deploymentId()).isEqualTo("d-1");
            assertThat(event.type()).isEqualTo(DeploymentRequested.TYPE_NAME);
            assertThat(event.source()).isEqualTo(URI.create("/test/builder"));
            assertThat(event.traceparent()).isNotNull();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            registry.get(BusMetrics.DELIVERED).functionCounter().count() == 1.0);
            assertThat(registry.get(BusMetrics.PUBLISHED).functionCounter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void userTypesCanBeRegistered() {
        EventType<Custom> type = EventType.of("com.example.custom.v1", Custom.class);
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.empty())
                .registerEventType(type)
                .build()) {
            assertThat(platform.eventTypes().typeOf(Custom.class)).isEqualTo(type);
            assertThat(platform.eventTypes().typeOf(DeploymentRequested.class)).isEqualTo(DeploymentRequested.TYPE);
        }
    }

    @Test
    void everyInvalidSettingIsReportedTogether() {
        ScaleplaneProperties config = ScaleplaneProperties.of(Map.of(
                "scaleplane.events.memory.buffer-size", "lots",
                "scaleplane.events.publish-timeout", "-5s",
                "scaleplane.events.drian-timeout", "1s",
                "scaleplane.events.memory.bufer-size", "1024",
                "scaleplane.source", "not a uri"));

        assertThatThrownBy(() -> Scaleplane.builder().config(config).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.source",
                                "scaleplane.events.drian-timeout",
                                "scaleplane.events.memory.bufer-size",
                                "scaleplane.events.memory.buffer-size",
                                "scaleplane.events.publish-timeout"));
    }

    @Test
    void unknownProviderNameListsInstalledProvidersAndTheArtifact() {
        ScaleplaneProperties config = ScaleplaneProperties.of(Map.of("scaleplane.events.provider", "kafka"));

        assertThatThrownBy(() -> Scaleplane.builder().config(config).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("memory")
                .hasMessageContaining("dev.scaleplane:scaleplane-events-kafka");
    }

    @Test
    void withoutAFederationBackendFederationSaysWhichArtifactToAdd() {
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(Map.of())).build()) {
            assertThatThrownBy(platform::federation)
                    .isInstanceOf(ScaleplaneException.class)
                    .hasMessageContaining("no federation backend is installed")
                    .hasMessageContaining("dev.scaleplane:scaleplane-federation-kubernetes");
        }
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.federation.provider", "kubernetes")))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dev.scaleplane:scaleplane-federation-kubernetes");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.federation.probe-interval", "1s")))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("scaleplane.federation.probe-interval");
    }

    @Test
    void explicitBusWinsAndIsNotClosedByThePlatform() {
        try (ScaleplanePlatform owner =
                Scaleplane.builder().config(ScaleplaneProperties.empty()).build()) {
            EventBus shared = owner.events();
            ScaleplanePlatform borrower = Scaleplane.builder()
                    .config(ScaleplaneProperties.of(Map.of("scaleplane.events.provider", "nonexistent")))
                    .eventBus(shared)
                    .build();
            assertThat(borrower.events()).isSameAs(shared);
            borrower.close();
            assertThat(shared.publish("t", deployment("d-2")).join().topic()).isEqualTo("t");
        }
    }

    @Test
    void explicitProviderListReplacesDiscoveryAndHighestPriorityWins() {
        AtomicBoolean created = new AtomicBoolean();
        EventBusProvider preferred = new EventBusProvider() {
            @Override
            public String name() {
                return "preferred";
            }

            @Override
            public int priority() {
                return 10;
            }

            @Override
            public Capabilities capabilities() {
                return Capabilities.of();
            }

            @Override
            public EventBus create(ProviderContext context) {
                created.set(true);
                assertThat(context.component(io.micrometer.core.instrument.MeterRegistry.class))
                        .isPresent();
                assertThat(context.component(dev.scaleplane.core.codec.EventCodec.class))
                        .isPresent();
                assertThat(context.component(String.class)).isEmpty();
                return new dev.scaleplane.core.internal.memory.InMemoryEventBusProvider().create(context);
            }
        };
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.empty())
                .eventBusProviders(
                        List.of(new dev.scaleplane.core.internal.memory.InMemoryEventBusProvider(), preferred))
                .build()) {
            assertThat(platform.eventBusBackend()).isEqualTo("preferred");
            assertThat(created).isTrue();
        }
    }

    @Test
    void recordedTopicsLandInTheStoreAsAnAuditTrail() {
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(
                        Map.of("scaleplane.store.provider", "memory", "scaleplane.store.record-topics", "deployments")))
                .build()) {
            DeploymentRequested first = deployment("d-10");
            DeploymentRequested second = deployment("d-11");
            platform.events().publish("deployments", first).join();
            platform.events().publish("deployments", second).join();
            platform.events().publish("elsewhere", deployment("d-12")).join();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> platform.store()
                                    .readStream("audit-deployments", ReadDirection.FORWARD, 0, 10)
                                    .size()
                            == 2);
            assertThat(platform.store().readStream("audit-deployments", ReadDirection.FORWARD, 0, 10))
                    .extracting(r -> (Object) r.event().data())
                    // Different ordering keys: the bus orders per key only, so the trail may hold them either way.
                    .containsExactlyInAnyOrder(first, second);
            assertThat(platform.store().streamVersion("audit-elsewhere")).isEmpty();
        }
    }

    @Test
    void invalidRecordTopicsAreAConfigurationProblem() {
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                "scaleplane.store.provider", "memory",
                                "scaleplane.store.record-topics", "ok, not ok",
                                "scaleplane.store.recod-topics", "typo")))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder("scaleplane.store.record-topics", "scaleplane.store.recod-topics"));
    }

    @Test
    void upcastersApplyToEverythingReadFromTheStore() {
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .registerUpcaster(dev.scaleplane.api.store.EventUpcaster.of(
                        "com.example.legacy.v1", DeploymentRequested.TYPE_NAME, old -> deployment("upcast")))
                .build()) {
            Event<String> legacy = Event.builder("com.example.legacy.v1", "old shape")
                    .source("/legacy")
                    .build();
            platform.store()
                    .append("legacy-1", dev.scaleplane.api.store.ExpectedVersion.NO_STREAM, List.of(legacy))
                    .join();
            Event<?> read = platform.store()
                    .readStream("legacy-1", ReadDirection.FORWARD, 0, 1)
                    .get(0)
                    .event();
            assertThat(read.type()).isEqualTo(DeploymentRequested.TYPE_NAME);
            assertThat(read.data()).isEqualTo(deployment("upcast"));
            assertThat(read.id()).isEqualTo(legacy.id());
        }
    }

    @Test
    void theTaskQueueRunsOnTheClockGivenToTheBuilder() {
        dev.scaleplane.testing.VirtualTaskClock clock = new dev.scaleplane.testing.VirtualTaskClock();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.empty())
                .taskClock(clock)
                .build()) {
            dev.scaleplane.api.orchestration.TaskQueue tasks = platform.tasks();
            assertThat(platform.tasks()).isSameAs(tasks);
            dev.scaleplane.api.orchestration.TaskHandle handle =
                    tasks.submit(dev.scaleplane.api.orchestration.TaskRequest.builder("deploy", "ams-1")
                            .build());

            List<dev.scaleplane.api.orchestration.Lease> leases = tasks.lease("worker-1", 10, Duration.ofSeconds(30));
            assertThat(leases)
                    .singleElement()
                    .satisfies(l -> assertThat(l.task().payload(String.class)).isEqualTo("ams-1"));
            clock.advance(Duration.ofSeconds(31)); // the lease lapses on virtual time: the task is handed out again
            assertThat(tasks.lease("worker-2", 10, Duration.ofSeconds(30)))
                    .singleElement()
                    .satisfies(l -> l.complete("done"));
            assertThat(handle.result()).isCompletedWithValue("done");
        }
    }

    /** A broker task queue brought in with a bus artifact, chosen by its priority, missing its settings. */
    private static final class BrokerQueueProvider implements dev.scaleplane.api.spi.TaskQueueProvider {
        @Override
        public String name() {
            return "broker";
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public java.util.Set<dev.scaleplane.api.orchestration.TaskQueueCapability> capabilities() {
            return java.util.Set.of();
        }

        @Override
        public void validate(dev.scaleplane.api.spi.ConfigProperties config) {
            throw ConfigurationException.of(
                    "scaleplane.tasks.broker.servers", null, "host:port of the broker (it is missing)");
        }

        @Override
        public dev.scaleplane.api.orchestration.TaskQueue create(ProviderContext context) {
            throw new AssertionError("never created: its settings are invalid");
        }
    }

    @Test
    void aProviderChosenOnlyByPriorityFailsTheBuildNamingTheSettingThatPicksAnother() {
        List<dev.scaleplane.api.spi.TaskQueueProvider> providers =
                List.of(new BrokerQueueProvider(), new dev.scaleplane.core.internal.tasks.InMemoryTaskQueueProvider());
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.empty())
                        .taskQueueProviders(providers)
                        .build())
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.expected())
                                .startsWith("host:port of the broker (it is missing)")
                                .contains("the task queue provider 'broker' was chosen by priority")
                                .contains("set scaleplane.tasks.provider=memory to use another")));
        // Named explicitly, the same problem says nothing about priority: the user chose it.
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.tasks.provider", "broker")))
                        .taskQueueProviders(providers)
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p.expected()).doesNotContain("priority")));
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.tasks.provider", "memory")))
                .taskQueueProviders(providers)
                .build()) {
            assertThat(platform.tasks()).isNotNull();
        }
    }

    @Test
    void lazilyOpenedBackendsAreValidatedWhenThePlatformIsBuilt() {
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                "scaleplane.tasks.provider", "rabbitmq",
                                "scaleplane.store.file.fsync", "SOMETIMES")))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder("scaleplane.tasks.provider", "scaleplane.store.file.fsync"));
        // A backend opened on first use still has its settings checked when the platform is built.
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.tasks.memory.capacty", "10")))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly("scaleplane.tasks.memory.capacty"));
    }

    @Test
    void theSelectedBusProviderValidatesItsSettingsWithEveryOtherProblem() {
        EventBusProvider strict = new EventBusProvider() {
            @Override
            public String name() {
                return "strict";
            }

            @Override
            public Capabilities capabilities() {
                return Capabilities.of();
            }

            @Override
            public void validate(dev.scaleplane.api.spi.ConfigProperties config) {
                throw new ConfigurationException(List.of(new ConfigurationException.Problem(
                        "scaleplane.events.strict.url", null, "a URL of the broker")));
            }

            @Override
            public EventBus create(ProviderContext context) {
                throw new AssertionError("a platform that does not validate must not be started");
            }
        };
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.store.file.fsync", "SOMETIMES")))
                        .eventBusProviders(List.of(strict))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder("scaleplane.events.strict.url", "scaleplane.store.file.fsync"));
    }

    @Test
    void storeProvidersDeclareWhatTheirStoresOffer() {
        assertThat(new dev.scaleplane.core.internal.store.InMemoryEventStoreProvider().capabilities())
                .containsExactly(dev.scaleplane.api.store.EventStoreCapability.RETENTION);
        assertThat(new dev.scaleplane.core.internal.store.FileEventStoreProvider().capabilities())
                .containsExactlyInAnyOrder(
                        dev.scaleplane.api.store.EventStoreCapability.DURABLE,
                        dev.scaleplane.api.store.EventStoreCapability.RETENTION);
    }
}
