package dev.scaleplane.spring.boot;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Scaleplane health indicators, under {@code management.health.scaleplane.*} (outside {@code
 * scaleplane.*}, whose keys belong to the SDK and are validated by it). Whether an indicator runs is set the Spring
 * Boot way: {@code management.health.scaleplane-events.enabled} and likewise {@code scaleplane-store}, {@code
 * scaleplane-tasks}.
 *
 * <p>A mutable bean bound by Spring at start-up; read-only afterwards.
 */
@ConfigurationProperties("management.health.scaleplane")
public class ScaleplaneHealthProperties {

    /** Default of {@link #getTopic()}. */
    public static final String DEFAULT_TOPIC = "scaleplane-health";

    private String topic = DEFAULT_TOPIC;
    private Duration timeout = Duration.ofSeconds(5);
    private String region = "local";

    /** Creates the settings with their defaults. */
    public ScaleplaneHealthProperties() {}

    /**
     * The topic the event bus indicator publishes its probe event ({@code PlatformHealthCheck}) to. Default {@value
     * #DEFAULT_TOPIC}.
     */
    public String getTopic() {
        return topic;
    }

    /** Sets {@link #getTopic()}. */
    public void setTopic(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * How long a probe may take before its backend is reported down: the event bus indicator's wait for the broker's
     * acknowledgement. Default 5 seconds.
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * Sets {@link #getTimeout()}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public void setTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "management.health.scaleplane.timeout must be positive, but was " + timeout);
        }
        this.timeout = timeout;
    }

    /** The region the probe event names as its origin. Default {@code local}. */
    public String getRegion() {
        return region;
    }

    /** Sets {@link #getRegion()}. */
    public void setRegion(String region) {
        this.region = Objects.requireNonNull(region, "region");
    }
}
