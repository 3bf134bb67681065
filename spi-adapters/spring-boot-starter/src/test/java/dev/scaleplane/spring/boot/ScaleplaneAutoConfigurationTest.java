package dev.scaleplane.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ScaleplaneAutoConfigurationTest {

    /** A user event type, registered through a bean. */
    record OrderPlaced(String id) {
        static final EventType<OrderPlaced> TYPE = EventType.of("com.example.order.placed.v1", OrderPlaced.class);
    }

    private final ApplicationContextRunner runner = TestContexts.embedded();

    @Test
    void defaultsGiveAnEmbeddedPlatformAndItsServicesAsBeans() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ScaleplanePlatform.class);
            ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
            assertThat(platform.eventBusBackend()).isEqualTo("memory");
            assertThat(context.getBean(EventBus.class)).isSameAs(platform.events());
            assertThat(context).hasSingleBean(EventStore.class).hasSingleBean(TaskQueue.class);

            CompletableFuture<String> received = new CompletableFuture<>();
            EventBus bus = context.getBean(EventBus.class);
            bus.subscribe(
                    SubscriptionOptions.of("orders", "test"),
                    event -> received.complete(event.data().toString()));
            bus.publish("orders", new PlatformHealthCheck("orders", HealthStatus.UP, "local", Map.of()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(received.get(10, TimeUnit.SECONDS)).contains("orders");
        });
    }

    @Test
    void servicesThePlatformOpensLazilyAreOpenedOnTheirFirstCall() {
        runner.withPropertyValues("scaleplane.tasks.provider=memory").run(context -> {
            TaskQueue tasks = context.getBean(TaskQueue.class);
            ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
            tasks.submit(TaskRequest.of("noop", "x"));
            // The bean and the platform's queue are one queue.
            assertThat(platform.tasks().size()).isEqualTo(1);
            assertThat(tasks.size()).isEqualTo(1);
        });
    }

    @Test
    void scaleplanePropertiesConfigureThePlatform() {
        runner.withPropertyValues("scaleplane.source=/orders-service", "scaleplane.events.memory.buffer-size=64")
                .run(context -> {
                    ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
                    assertThat(platform.config().get("scaleplane.source")).contains("/orders-service");
                    assertThat(platform.config().get("scaleplane.events.memory.buffer-size"))
                            .contains("64");
                });
    }

    @Test
    void theApplicationsBeansWin() {
        runner.withUserConfiguration(UserPlatform.class).run(context -> {
            assertThat(context).hasSingleBean(ScaleplanePlatform.class);
            assertThat(context.getBean(ScaleplanePlatform.class))
                    .isSameAs(context.getBean(UserPlatform.class).platform);
            assertThat(context.getBean(EventBus.class))
                    .isSameAs(context.getBean(UserPlatform.class).platform.events());
        });
        runner.withUserConfiguration(UserBus.class).run(context -> {
            assertThat(context).hasSingleBean(EventBus.class);
            assertThat(context.getBean(EventBus.class)).isSameAs(context.getBean(UserBus.class).bus);
        });
    }

    @Test
    void aBadPropertyFailsTheStartUpWithTheSdksMessage() {
        runner.withPropertyValues("scaleplane.events.memory.buffer-size=lots", "scaleplane.events.memory.bufer-size=8")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    ConfigurationException sdk = rootCause(failure, ConfigurationException.class);
                    assertThat(sdk.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains("scaleplane.events.memory.buffer-size", "scaleplane.events.memory.bufer-size");
                    FailureAnalysis analysis = new ScaleplaneConfigurationFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription())
                            .contains(sdk.getMessage())
                            .contains("scaleplane.events.memory.buffer-size")
                            .contains("lots");
                });
    }

    @Test
    void aMistypedVariableIsReportedAsWritten() {
        runner.withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource(
                                "test-variables", Map.of("SCALEPLANE_EVENTS_PUBLISH_TIMEUT", "5s"))))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootCause(context.getStartupFailure(), ConfigurationException.class)
                                    .getMessage())
                            .contains("SCALEPLANE_EVENTS_PUBLISH_TIMEUT");
                });
    }

    @Test
    void theApplicationsMeterRegistryGetsThePlatformsMeters() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
            assertThat(platform.meterRegistry()).isSameAs(registry);
            platform.events()
                    .publish("orders", new PlatformHealthCheck("orders", HealthStatus.UP, "local", Map.of()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(registry.find("scaleplane.events.published").functionCounters())
                    .isNotEmpty()
                    .anySatisfy(counter -> assertThat(counter.count()).isEqualTo(1.0));
        });
    }

    @Test
    void eventTypeBeansAreRegistered() {
        runner.withBean("orderPlaced", EventType.class, () -> OrderPlaced.TYPE).run(context -> {
            ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
            assertThat(platform.eventTypes().byName(OrderPlaced.TYPE.name())).isPresent();
        });
    }

    @Test
    void aTaskClockBeanPutsTheTaskQueueOnVirtualTime() {
        VirtualTaskClock clock = new VirtualTaskClock();
        runner.withBean(TaskClock.class, () -> clock)
                .withPropertyValues("scaleplane.tasks.provider=memory")
                .run(context -> {
                    TaskQueue tasks = context.getBean(TaskQueue.class);
                    tasks.submit(TaskRequest.builder("report", "daily")
                            .notBefore(clock.now().plus(Duration.ofHours(1)))
                            .build());
                    assertThat(tasks.lease("worker-1", 1, Duration.ofMinutes(1)))
                            .isEmpty();
                    clock.advance(Duration.ofHours(1));
                    assertThat(tasks.lease("worker-1", 1, Duration.ofMinutes(1)))
                            .hasSize(1);
                });
    }

    @Test
    void customizersAdjustTheBuilderLast() {
        URI source = URI.create("/customized");
        runner.withPropertyValues("scaleplane.source=/from-properties")
                .withBean(ScaleplaneBuilderCustomizer.class, () -> builder -> builder.source(source))
                .run(context -> {
                    CompletableFuture<URI> seen = new CompletableFuture<>();
                    ScaleplanePlatform platform = context.getBean(ScaleplanePlatform.class);
                    platform.events().subscribe(SubscriptionOptions.of("t", "g"), e -> seen.complete(e.source()));
                    platform.events()
                            .publish("t", new PlatformHealthCheck("c", HealthStatus.UP, "local", Map.of()))
                            .get(10, TimeUnit.SECONDS);
                    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(source);
                });
    }

    @Test
    void theRegistrationFilesNameTheAutoConfigurationsAndTheFailureAnalyzer() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        assertThat(ImportCandidates.load(AutoConfiguration.class, loader).getCandidates())
                .contains(
                        ScaleplaneAutoConfiguration.class.getName(), ScaleplaneHealthAutoConfiguration.class.getName());
        Properties factories = new Properties();
        try (InputStream in = ScaleplaneAutoConfiguration.class.getResourceAsStream("/META-INF/spring.factories")) {
            factories.load(in);
        }
        assertThat(factories.getProperty(FailureAnalyzer.class.getName()))
                .isEqualTo(ScaleplaneConfigurationFailureAnalyzer.class.getName());
    }

    static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class UserPlatform {
        final ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build();

        @Bean
        ScaleplanePlatform userPlatform() {
            return platform;
        }
    }

    /** A bus of the application's own (here taken from a platform of its own, closed with the configuration). */
    @Configuration(proxyBeanMethods = false)
    static class UserBus implements DisposableBean {
        private final ScaleplanePlatform own = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build();
        final EventBus bus = own.events();

        @Bean(destroyMethod = "")
        EventBus userBus() {
            return bus;
        }

        @Override
        public void destroy() {
            own.close();
        }
    }
}
