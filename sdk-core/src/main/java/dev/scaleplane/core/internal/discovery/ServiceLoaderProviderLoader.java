package dev.scaleplane.core.internal.discovery;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads providers with {@link ServiceLoader} from {@code META-INF/services} files of a class loader, one provider at
 * a time, so that a broken provider does not hide the working ones.
 *
 * <p>{@link ServiceLoader}'s iterator reports a provider whose class is missing, is not a subtype of the service, or
 * whose constructor throws, as a {@link ServiceConfigurationError} from {@code hasNext()} or {@code next()}, and
 * carries on with the next provider after it. This loader catches the error for each provider, logs it at WARN with
 * the provider's class name and cause, keeps it for {@link #failures(Class)}, and goes on: a broken backend jar is
 * reported, never silently swallowed and never fatal to discovery. (The same idea as SLF4J's
 * {@code LoggerFactory#safelyInstantiate}.)
 *
 * <p>Thread-safe.
 */
public final class ServiceLoaderProviderLoader implements ProviderLoader {

    private static final Logger log = LoggerFactory.getLogger(ServiceLoaderProviderLoader.class);

    /** Gives up on a loader that fails this many times in a row without making progress. */
    private static final int MAX_CONSECUTIVE_FAILURES = 1_000;

    /** Matches the provider class in the JDK's messages: "Provider x.Y not found", "x.Y not a subtype". */
    private static final Pattern PROVIDER_NAME = Pattern.compile(
            "Provider ([\\p{javaJavaIdentifierPart}.$]+)|([\\p{javaJavaIdentifierPart}.$]+) not a subtype");

    private final ClassLoader classLoader;
    private final Map<Class<?>, List<ProviderFailure>> failures = new ConcurrentHashMap<>();

    /** A loader searching {@code classLoader}. */
    public ServiceLoaderProviderLoader(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    }

    /** A loader searching the thread context class loader, else the class loader of this class. */
    public ServiceLoaderProviderLoader() {
        this(defaultClassLoader());
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ServiceLoaderProviderLoader.class.getClassLoader();
    }

    /**
     * Instantiates every provider of {@code spi} registered in the class loader, skipping (and logging) those that
     * fail.
     */
    @Override
    public <P> List<P> load(Class<P> spi) {
        Objects.requireNonNull(spi, "spi");
        List<P> providers = new ArrayList<>();
        List<ProviderFailure> failed = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(spi, classLoader).iterator();
        int consecutiveFailures = 0;
        while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                providers.add(it.next());
                consecutiveFailures = 0;
            } catch (ServiceConfigurationError | LinkageError e) {
                // LinkageError: a provider class whose own dependencies are missing fails while being loaded,
                // before ServiceLoader can wrap it.
                consecutiveFailures++;
                ProviderFailure failure = new ProviderFailure(providerClassOf(e), e);
                failed.add(failure);
                log.warn(
                        "Skipping {} provider {}, which could not be loaded: {}",
                        spi.getName(),
                        failure.providerClass(),
                        failure.reason(),
                        e);
            }
        }
        failures.put(spi, List.copyOf(failed));
        return providers;
    }

    @Override
    public List<ProviderFailure> failures(Class<?> spi) {
        return failures.getOrDefault(Objects.requireNonNull(spi, "spi"), List.of());
    }

    static String providerClassOf(Throwable error) {
        String message = error.getMessage();
        if (message != null) {
            Matcher m = PROVIDER_NAME.matcher(message);
            if (m.find()) {
                return m.group(1) != null ? m.group(1) : m.group(2);
            }
        }
        return "?";
    }

    @Override
    public String toString() {
        return "ServiceLoaderProviderLoader[" + classLoader + "]";
    }
}
