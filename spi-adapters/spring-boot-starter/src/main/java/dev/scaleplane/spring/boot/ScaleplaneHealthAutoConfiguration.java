package dev.scaleplane.spring.boot;

import dev.scaleplane.core.ScaleplanePlatform;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Health indicators for the platform's backends, when Spring Boot's health support is present (the actuator brings
 * it) and a {@link ScaleplanePlatform} bean exists. Each can be turned off with {@code
 * management.health.<name>.enabled=false} and is replaced by an application bean of the same name.
 *
 * <table>
 *   <caption>Indicators</caption>
 *   <tr><th>name</th><th>bean</th><th>registered</th></tr>
 *   <tr><td>{@code scaleplane-events}</td><td>{@link EventBusHealthIndicator}</td><td>always</td></tr>
 *   <tr><td>{@code scaleplane-store}</td><td>{@link EventStoreHealthIndicator}</td><td>when {@code
 *       scaleplane.store.provider} is set: the platform opens its store on first use, and probing an embedded store
 *       the application never uses would create its files</td></tr>
 *   <tr><td>{@code scaleplane-tasks}</td><td>{@link TaskQueueHealthIndicator}</td><td>when {@code
 *       scaleplane.tasks.provider} is set, for the same reason</td></tr>
 *   <tr><td>{@code scaleplane-fleet}</td><td>{@link FleetHealthIndicator}</td><td>when {@code
 *       scaleplane.federation.provider} is set</td></tr>
 * </table>
 *
 * <p>Settings of the probes: {@link ScaleplaneHealthProperties}.
 */
@AutoConfiguration(after = ScaleplaneAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ScaleplanePlatform.class)
@EnableConfigurationProperties(ScaleplaneHealthProperties.class)
public class ScaleplaneHealthAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public ScaleplaneHealthAutoConfiguration() {}

    /** The event bus indicator, {@code scaleplane-events}. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("scaleplane-events")
    @ConditionalOnMissingBean(name = "scaleplaneEventsHealthIndicator")
    public EventBusHealthIndicator scaleplaneEventsHealthIndicator(
            ScaleplanePlatform platform, ScaleplaneHealthProperties properties) {
        return new EventBusHealthIndicator(
                platform, properties.getTopic(), properties.getTimeout(), properties.getRegion());
    }

    /** The event store indicator, {@code scaleplane-store}. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("scaleplane-store")
    @ConditionalOnProperty("scaleplane.store.provider")
    @ConditionalOnMissingBean(name = "scaleplaneStoreHealthIndicator")
    public EventStoreHealthIndicator scaleplaneStoreHealthIndicator(ScaleplanePlatform platform) {
        return new EventStoreHealthIndicator(platform);
    }

    /** The task queue indicator, {@code scaleplane-tasks}. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("scaleplane-tasks")
    @ConditionalOnProperty("scaleplane.tasks.provider")
    @ConditionalOnMissingBean(name = "scaleplaneTasksHealthIndicator")
    public TaskQueueHealthIndicator scaleplaneTasksHealthIndicator(ScaleplanePlatform platform) {
        return new TaskQueueHealthIndicator(platform);
    }

    /** The fleet indicator, {@code scaleplane-fleet}. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("scaleplane-fleet")
    @ConditionalOnProperty("scaleplane.federation.provider")
    @ConditionalOnMissingBean(name = "scaleplaneFleetHealthIndicator")
    public FleetHealthIndicator scaleplaneFleetHealthIndicator(ScaleplanePlatform platform) {
        return new FleetHealthIndicator(platform);
    }
}
