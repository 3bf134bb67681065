package dev.scaleplane.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.core.config.ScaleplaneProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class SpringEnvironmentConfigTest {

    /** An environment without the process's own variables and system properties, so the test sees only its own. */
    private static StandardEnvironment environment() {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        return environment;
    }

    @Test
    void readsScaleplaneKeysOnlyWithSpringPrecedenceAndPlaceholders() {
        StandardEnvironment environment = environment();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "high",
                        Map.of("scaleplane.events.memory.buffer-size", "64", "scaleplane.source", "/${app.name}")));
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "low",
                        Map.of(
                                "scaleplane.events.memory.buffer-size",
                                "32",
                                "scaleplane.events.provider",
                                "memory",
                                "app.name",
                                "orders",
                                "spring.application.name",
                                "orders")));

        ScaleplaneProperties config = SpringEnvironmentConfig.read(environment);

        assertThat(config.asMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "scaleplane.events.memory.buffer-size", "64",
                        "scaleplane.events.provider", "memory",
                        "scaleplane.source", "/orders"));
    }

    @Test
    void variablesReachTheSdkAsVariablesAndWinOverLowerSources() {
        StandardEnvironment environment = environment();
        environment
                .getPropertySources()
                .addLast(new SystemEnvironmentPropertySource(
                        "env",
                        Map.of(
                                "SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE", "128",
                                "SCALEPLANE_EVENTS_PUBLISH_TIMEUT", "5s",
                                "HOME", "/root")));
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("file", Map.of("scaleplane.events.memory.buffer-size", "32")));

        ScaleplaneProperties config = SpringEnvironmentConfig.read(environment);

        assertThat(config.get("scaleplane.events.memory.buffer-size")).contains("128");
        // Only set by a variable: the SDK knows it as the variable the user wrote, for its messages.
        assertThat(config.environmentVariable("scaleplane.events.publish.timeut"))
                .contains("SCALEPLANE_EVENTS_PUBLISH_TIMEUT");
        assertThat(config.asMap()).doesNotContainKey("home");
    }

    @Test
    void loadsTheFileNamedByConfigFileWithTheLowestPrecedence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scaleplane.properties");
        Files.writeString(file, "scaleplane.source=/from-file\nscaleplane.events.provider=memory\n");
        StandardEnvironment environment = environment();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "app", Map.of("scaleplane.config.file", file.toString(), "scaleplane.source", "/from-spring")));

        ScaleplaneProperties config = SpringEnvironmentConfig.read(environment);

        assertThat(config.get("scaleplane.source")).contains("/from-spring");
        assertThat(config.get("scaleplane.events.provider")).contains("memory");
    }
}
