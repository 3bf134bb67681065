package dev.scaleplane.core.internal.discovery;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Finds the providers of a service interface. The default, {@link ServiceLoaderProviderLoader}, uses
 * {@link java.util.ServiceLoader}; {@link #of(List)} returns fixed instances, for tests and for explicit wiring with
 * no discovery at all. Injecting the loader keeps discovery replaceable (containers with their own class loading,
 * tests that control the class path).
 *
 * <p>Implementations are thread-safe.
 */
public interface ProviderLoader {

    /**
     * The providers of {@code spi}, in discovery order. A provider that cannot be loaded is left out and reported
     * through {@link #failures(Class)}; it never stops the others from loading.
     *
     * @return a new list, possibly empty
     */
    <P> List<P> load(Class<P> spi);

    /**
     * The providers of {@code spi} that could not be loaded during the last {@link #load(Class)} of {@code spi}, so
     * that a "no provider" error can name them. Empty by default.
     */
    default List<ProviderFailure> failures(Class<?> spi) {
        return List.of();
    }

    /**
     * A loader that returns, for each service interface, those of {@code providers} that implement it, in the given
     * order.
     */
    static ProviderLoader of(List<?> providers) {
        List<Object> fixed = List.copyOf(Objects.requireNonNull(providers, "providers"));
        return new ProviderLoader() {
            @Override
            public <P> List<P> load(Class<P> spi) {
                Objects.requireNonNull(spi, "spi");
                return fixed.stream().filter(spi::isInstance).map(spi::cast).toList();
            }

            @Override
            public String toString() {
                return "ProviderLoader.of" + fixed;
            }
        };
    }

    /** {@link #of(List)} for varargs. */
    static ProviderLoader of(Object... providers) {
        return of(Arrays.asList(providers));
    }

    /** A {@link ServiceLoaderProviderLoader} over {@code classLoader}. */
    static ProviderLoader serviceLoader(ClassLoader classLoader) {
        return new ServiceLoaderProviderLoader(classLoader);
    }
}
