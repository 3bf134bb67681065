package dev.scaleplane.core.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.UnsupportedCapabilityException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueueProvider;
import dev.scaleplane.testing.VirtualTaskClock;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class InMemoryTaskQueueProviderTest {

    private record Context(ConfigProperties config, @Nullable TaskClock taskClock) implements ProviderContext {
        @Override
        public EventTypeRegistry eventTypes() {
            return EventTypeRegistry.empty();
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public URI source() {
            return URI.create("/scaleplane/test");
        }

        @Override
        public <T> Optional<T> component(Class<T> type) {
            return type == TaskClock.class && taskClock != null ? Optional.of(type.cast(taskClock)) : Optional.empty();
        }
    }

    @Test
    void isFoundByServiceLoaderAsTheEmbeddedDefault() {
        List<TaskQueueProvider> providers = ServiceLoader.load(TaskQueueProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
        assertThat(providers).hasExactlyElementsOfTypes(InMemoryTaskQueueProvider.class);
        TaskQueueProvider p = providers.get(0);
        assertThat(p.name()).isEqualTo("memory");
        assertThat(p.priority()).isEqualTo(TaskQueueProvider.EMBEDDED_PRIORITY).isEqualTo(-1);
        assertThat(p.capabilities())
                .contains(TaskQueueCapability.PRIORITIES, TaskQueueCapability.BOUNDED)
                .doesNotContain(TaskQueueCapability.DURABLE, TaskQueueCapability.CROSS_PROCESS);
    }

    @Test
    void createsAQueueFromConfigurationOnTheContextsTaskClock() {
        VirtualTaskClock clock = new VirtualTaskClock();
        ConfigProperties config = ScaleplaneProperties.of(Map.of(
                "scaleplane.tasks.memory.capacity", "1",
                "scaleplane.tasks.memory.retention", "2m"));
        try (TaskQueue q = new InMemoryTaskQueueProvider().create(new Context(config, clock))) {
            TaskHandle h = q.submit(TaskRequest.of("t", "p"));
            assertThatThrownBy(() -> q.submit(TaskRequest.of("t", "p"))).isInstanceOf(QueueFullException.class);
            Lease lease = q.lease("w", 1, Duration.ofSeconds(10)).get(0);
            assertThat(lease.expiresAt()).isEqualTo(clock.now().plusSeconds(10));
            lease.complete(null);
            clock.advance(Duration.ofMinutes(2));
            assertThat(q.state(h.id()))
                    .as("forgotten after the configured retention")
                    .isEmpty();
        }
    }

    @Test
    void worksOnThePlatformClockWithoutATaskClock() {
        try (TaskQueue q =
                new InMemoryTaskQueueProvider().create(new Context(ScaleplaneProperties.of(Map.of()), null))) {
            TaskHandle h = q.submit(TaskRequest.of("t", "p"));
            q.lease("w", 1, Duration.ofMinutes(5)).get(0).complete("ok");
            assertThat(h.result()).isCompletedWithValue("ok");
            assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        }
    }

    @Test
    void invalidAndUnknownKeysAreReportedTogether() {
        ConfigProperties config = ScaleplaneProperties.of(Map.of(
                "scaleplane.tasks.memory.capacity", "0",
                "scaleplane.tasks.memory.agin-interval", "5s"));
        assertThatThrownBy(() -> new InMemoryTaskQueueProvider().create(new Context(config, null)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.tasks.memory.capacity", "scaleplane.tasks.memory.agin-interval"));
    }

    @Test
    void optionsGivenToThePlatformReachTheQueueAndItsConfigurationKeysOverrideThem() {
        VirtualTaskClock clock = new VirtualTaskClock();
        TaskQueueOptions options = TaskQueueOptions.builder()
                .keyConcurrency(1)
                .rateLimit("limited", TaskRateLimit.of(1, Duration.ofMinutes(1)))
                .build();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.tasks.memory.key-concurrency", "2")))
                .taskClock(clock)
                .taskQueueOptions(options)
                .build()) {
            TaskQueue q = platform.tasks();
            for (int i = 0; i < 3; i++) {
                q.submit(TaskRequest.builder("keyed", i).key("k").build());
                q.submit(TaskRequest.of("limited", i));
            }
            List<Lease> leased = q.lease("w", 10, Duration.ofSeconds(10));
            // key concurrency 2 from the configuration key; one "limited" per minute from the options
            assertThat(leased).extracting(l -> l.task().type()).containsExactlyInAnyOrder("keyed", "keyed", "limited");
        }
    }

    @Test
    void anInvalidKeyConcurrencyFailsTheBuild() {
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of("scaleplane.tasks.memory.key-concurrency", "0")))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("scaleplane.tasks.memory.key-concurrency");
    }

    /** The in-memory provider declaring fewer capabilities, as a backend without rate limits would. */
    private static final class WithoutRateLimits implements TaskQueueProvider {
        private final InMemoryTaskQueueProvider delegate = new InMemoryTaskQueueProvider();

        @Override
        public String name() {
            return "limited-backend";
        }

        @Override
        public Set<TaskQueueCapability> capabilities() {
            Set<TaskQueueCapability> set = EnumSet.copyOf(delegate.capabilities());
            set.remove(TaskQueueCapability.RATE_LIMITS);
            return set;
        }

        @Override
        public TaskQueue create(ProviderContext context) {
            return delegate.create(context);
        }
    }

    @Test
    void optionsTheSelectedBackendCannotHonourFailTheBuildNotTheFirstUse() {
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .taskQueueProviders(List.of(new WithoutRateLimits()))
                        .taskQueueOptions(TaskQueueOptions.builder()
                                .rateLimit("deploy", TaskRateLimit.of(1, Duration.ofSeconds(1)))
                                .build())
                        .build())
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                    assertThat(e.capability()).isEqualTo(TaskQueueCapability.RATE_LIMITS);
                    assertThat(e.option()).isEqualTo("TaskQueueOptions.rateLimits[deploy]");
                    assertThat(e.getMessage()).contains("'limited-backend'");
                });
        // Without the option the same backend builds.
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of()))
                .taskQueueProviders(List.of(new WithoutRateLimits()))
                .taskQueueOptions(TaskQueueOptions.builder().keyConcurrency(2).build())
                .build()) {
            assertThat(platform.tasks()).isNotNull();
        }
    }
}
