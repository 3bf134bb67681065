package dev.scaleplane.spring.boot;

import dev.scaleplane.api.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start-up that failed on Scaleplane's configuration with the SDK's own message, which lists every bad
 * setting, its value and what was expected, instead of the bean-creation exception chain around it.
 *
 * <p>Registered in {@code META-INF/spring.factories}; stateless and thread-safe.
 */
public final class ScaleplaneConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    /** Creates the analyzer; Spring Boot calls it. */
    public ScaleplaneConfigurationFailureAnalyzer() {}

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        return new FailureAnalysis(
                "Scaleplane could not start: " + cause.getMessage(),
                "Correct the scaleplane.* settings named above (application properties or YAML, system properties,"
                        + " or SCALEPLANE_* environment variables).",
                cause);
    }
}
