package dev.scaleplane.spring.boot;

import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link ScaleplanePlatform} and its services as beans. Each bean backs off when the application
 * defines one of the same type.
 *
 * <table>
 *   <caption>Beans</caption>
 *   <tr><th>type</th><th>what</th></tr>
 *   <tr><td>{@link ScaleplaneProperties}</td><td>the {@code scaleplane.*} settings of the Spring environment
 *       ({@link SpringEnvironmentConfig#read})</td></tr>
 *   <tr><td>{@link ScaleplanePlatform}</td><td>built from them; the SDK validates every key, and a bad one fails the
 *       start-up with its {@link dev.scaleplane.api.ConfigurationException}</td></tr>
 *   <tr><td>{@link EventBus}, {@link EventTypeRegistry}</td><td>the platform's, opened with it</td></tr>
 *   <tr><td>{@link EventStore}, {@link TaskQueue}, {@link Fleet}, {@link Adapters}, {@link Slos},
 *       {@link Deployments}</td><td>delegates to the platform's, each opened by the platform on its first call,
 *       as {@code platform.store()} and the others open them</td></tr>
 *   <tr><td>{@link ScaleplaneLifecycle}</td><td>closes the platform after the web server has stopped</td></tr>
 * </table>
 *
 * <p>The platform is built with these beans of the application when present: the {@link MeterRegistry} (the
 * application's, so the platform's meters are exported with the others; else the SDK's own registry), a {@link
 * TaskClock} (tests give a virtual one to run task queues, SLOs and deployments on virtual time), {@link
 * TaskQueueOptions}, every {@link EventType} and {@link EventUpcaster} bean, and last every {@link
 * ScaleplaneBuilderCustomizer}. The service beans are not closed by the context: the platform owns and closes them.
 */
@AutoConfiguration
public class ScaleplaneAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public ScaleplaneAutoConfiguration() {}

    /**
     * The Scaleplane settings of the Spring environment.
     *
     * @throws dev.scaleplane.api.ConfigurationException if {@code scaleplane.config.file} names an unreadable file
     */
    @Bean
    @ConditionalOnMissingBean
    public ScaleplaneProperties scaleplaneProperties(Environment environment) {
        return SpringEnvironmentConfig.read(environment);
    }

    /**
     * The platform, started; closed by {@link ScaleplaneLifecycle} and, at the latest, when the context is closed.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws dev.scaleplane.api.ScaleplaneException if a backend cannot be selected or started
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ScaleplanePlatform scaleplanePlatform(
            ScaleplaneProperties scaleplaneProperties,
            ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<TaskClock> taskClock,
            ObjectProvider<TaskQueueOptions> taskQueueOptions,
            ObjectProvider<EventType<?>> eventTypes,
            ObjectProvider<EventUpcaster> upcasters,
            ObjectProvider<ScaleplaneBuilderCustomizer> customizers) {
        Scaleplane.Builder builder = Scaleplane.builder().config(scaleplaneProperties);
        meterRegistry.ifAvailable(builder::meterRegistry);
        taskClock.ifAvailable(builder::taskClock);
        taskQueueOptions.ifAvailable(builder::taskQueueOptions);
        eventTypes.orderedStream().forEach(builder::registerEventType);
        upcasters.orderedStream().forEach(builder::registerUpcaster);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** Closes the platform in a phase after the web server's. */
    @Bean
    @ConditionalOnMissingBean
    public ScaleplaneLifecycle scaleplaneLifecycle(ScaleplanePlatform platform) {
        return new ScaleplaneLifecycle(platform);
    }

    /** The platform's event bus. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public EventBus scaleplaneEventBus(ScaleplanePlatform platform) {
        return platform.events();
    }

    /** The platform's event types. */
    @Bean
    @ConditionalOnMissingBean
    public EventTypeRegistry scaleplaneEventTypes(ScaleplanePlatform platform) {
        return platform.eventTypes();
    }

    /** The platform's event store, opened on its first call. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public EventStore scaleplaneEventStore(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(EventStore.class, platform::store);
    }

    /** The platform's task queue, opened on its first call. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public TaskQueue scaleplaneTaskQueue(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(TaskQueue.class, platform::tasks);
    }

    /** The platform's fleet, opened on its first call (which throws when no federation backend is installed). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public Fleet scaleplaneFleet(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(Fleet.class, platform::federation);
    }

    /** The platform's adapter instances, created on first use. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public Adapters scaleplaneAdapters(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(Adapters.class, platform::adapters);
    }

    /** The platform's SLOs, started on their first call. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public Slos scaleplaneSlos(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(Slos.class, platform::slos);
    }

    /** The platform's deployments, whose controller starts on their first call. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public Deployments scaleplaneDeployments(ScaleplanePlatform platform) {
        return LazyPlatformServices.lazy(Deployments.class, platform::deployments);
    }
}
