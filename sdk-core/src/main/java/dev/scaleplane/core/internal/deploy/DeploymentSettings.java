package dev.scaleplane.core.internal.deploy;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;

/**
 * The controller's settings, under {@code scaleplane.deployments.}.
 *
 * @param maxConcurrent deployments in progress at once, fleet-wide
 * @param maxConcurrentPerApplication deployments of one application in progress at once
 * @param tick how often in-progress rollouts check readiness, deadlines and CI runs
 */
record DeploymentSettings(int maxConcurrent, int maxConcurrentPerApplication, Duration tick) {
    static final String PREFIX = "scaleplane.deployments.";
    static final String MAX_CONCURRENT = PREFIX + "max-concurrent";
    static final String MAX_CONCURRENT_PER_APPLICATION = PREFIX + "max-concurrent-per-application";
    static final String TICK = PREFIX + "tick";

    /**
     * Reads and checks the settings.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every problem
     */
    static DeploymentSettings read(ConfigProperties config) {
        ConfigReader reader = new ConfigReader(config);
        int max = reader.integer(MAX_CONCURRENT, 20, 1, 100_000);
        int perApp = reader.integer(MAX_CONCURRENT_PER_APPLICATION, 1, 1, 1_000);
        Duration tick = reader.duration(TICK, Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofMinutes(1));
        reader.rejectUnknownKeys(PREFIX);
        reader.throwIfInvalid();
        return new DeploymentSettings(max, perApp, tick);
    }
}
