package dev.scaleplane.spring.boot;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reads the {@code scaleplane.*} settings of a Spring {@link Environment} into the SDK's {@link ScaleplaneProperties},
 * so that the platform validates them exactly as it validates its own sources: an unknown or malformed key fails with
 * the SDK's {@link ConfigurationException}, listing every problem.
 *
 * <p>Which settings: every key starting with {@value ScaleplaneProperties#SYSTEM_PROPERTY_PREFIX} in an enumerable
 * property source ({@code application.properties} and YAML, profiles, system properties, test properties, ...), with
 * the value Spring resolves for it (its precedence, placeholders); and every {@code SCALEPLANE_*} variable of a system
 * environment source, handed to the SDK as a variable so that it maps it to a key as usual and names it as written in
 * its messages. A value also set by a variable of higher Spring precedence resolves to the variable's value. List
 * values are comma-separated strings, as in the SDK ({@code scaleplane.store.record-topics=a,b}); YAML lists are not
 * read. When {@value ScaleplaneProperties#CONFIG_FILE_KEY} is set, the file it names is loaded with the lowest
 * precedence, as {@link ScaleplaneProperties#fromEnvironment()} does.
 *
 * <p>Stateless and thread-safe; the result is a snapshot: later changes to the environment are not seen.
 */
public final class SpringEnvironmentConfig {

    private SpringEnvironmentConfig() {}

    /**
     * The Scaleplane settings of {@code environment}.
     *
     * @throws ConfigurationException naming {@value ScaleplaneProperties#CONFIG_FILE_KEY} if the file it names cannot
     *     be read
     */
    public static ScaleplaneProperties read(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        Set<String> keys = new TreeSet<>();
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                // Spring Boot's attached source is a view over all the others: reading it would list keys twice.
                if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
                        || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                    continue;
                }
                boolean systemEnvironment = source instanceof SystemEnvironmentPropertySource;
                for (String name : enumerable.getPropertyNames()) {
                    if (systemEnvironment) {
                        Object value = enumerable.getProperty(name);
                        if (name.startsWith(ConfigKeys.ENVIRONMENT_PREFIX) && value != null) {
                            // Earlier sources have higher precedence: keep the first.
                            variables.putIfAbsent(name, value.toString());
                        }
                    } else if (name.startsWith(ScaleplaneProperties.SYSTEM_PROPERTY_PREFIX)) {
                        keys.add(name);
                    }
                }
            }
        }
        ScaleplaneProperties.Builder builder = ScaleplaneProperties.builder().environment(variables);
        for (String key : keys) {
            String value = environment.getProperty(key);
            if (value != null) {
                builder.put(key, value);
            }
        }
        String configFile = environment.getProperty(ScaleplaneProperties.CONFIG_FILE_KEY);
        if (configFile != null && !configFile.isBlank()) {
            builder.load(Path.of(configFile.trim()));
        }
        return builder.build();
    }
}
