package dev.scaleplane.core.discovery;

import static dev.scaleplane.core.discovery.DiscoveryTestSupport.noServices;
import static dev.scaleplane.core.discovery.DiscoveryTestSupport.servicesFrom;
import static dev.scaleplane.core.discovery.DiscoveryTestSupport.stderrOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.core.internal.discovery.NoProviderException;
import dev.scaleplane.core.internal.discovery.ProviderFailure;
import dev.scaleplane.core.internal.discovery.ProviderLoader;
import dev.scaleplane.core.internal.discovery.ProviderSelector;
import dev.scaleplane.core.internal.discovery.ServiceLoaderProviderLoader;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class ServiceLoaderProviderLoaderTest {

    @Test
    void brokenProvidersAreReportedAndSkippedAndTheOthersStillLoad() throws IOException {
        try (URLClassLoader loader = servicesFrom("broken")) {
            ServiceLoaderProviderLoader providers = new ServiceLoaderProviderLoader(loader);
            List<EventBusProvider> found = new ArrayList<>();
            String log = stderrOf(() -> found.addAll(providers.load(EventBusProvider.class)));

            assertThat(found).extracting(p -> p.getClass().getSimpleName()).containsExactly("Alpha", "Beta");
            List<ProviderFailure> failures = providers.failures(EventBusProvider.class);
            assertThat(failures)
                    .extracting(ProviderFailure::providerClass)
                    .containsExactly(
                            FakeProviders.Throwing.class.getName(),
                            "dev.scaleplane.core.discovery.DoesNotExist",
                            FakeProviders.NotAProvider.class.getName());
            assertThat(failures).allSatisfy(f -> assertThat(f.cause()).isInstanceOf(ServiceConfigurationError.class));
            assertThat(failures.get(0).reason()).contains("boom: the broker client could not start");
            assertThat(failures.get(0).toString())
                    .startsWith(FakeProviders.Throwing.class.getName() + ": ")
                    .contains("IllegalStateException");
            assertThat(failures.get(1).reason()).contains("not found");
            assertThat(failures.get(2).reason()).contains("not a subtype");

            assertThat(log)
                    .contains("WARN")
                    .contains("Skipping dev.scaleplane.api.spi.EventBusProvider provider "
                            + FakeProviders.Throwing.class.getName())
                    .contains("boom: the broker client could not start")
                    .contains("dev.scaleplane.core.discovery.DoesNotExist")
                    .contains(FakeProviders.NotAProvider.class.getName());
        }
    }

    @Test
    void failuresAreKeptPerServiceAndReplacedOnTheNextLoad() throws IOException {
        try (URLClassLoader loader = servicesFrom("broken")) {
            ServiceLoaderProviderLoader providers = new ServiceLoaderProviderLoader(loader);
            assertThat(providers.failures(EventBusProvider.class)).isEmpty();
            stderrOf(() -> providers.load(EventBusProvider.class));
            stderrOf(() -> providers.load(EventBusProvider.class));
            assertThat(providers.failures(EventBusProvider.class)).hasSize(3);
            assertThat(providers.load(Runnable.class)).isEmpty();
            assertThat(providers.failures(Runnable.class)).isEmpty();
        }
    }

    @Test
    void zeroOneAndTwoProvidersOnTheClassPath() throws IOException {
        ProviderSelector<EventBusProvider> selector = ProviderSelector.eventBus();
        try (URLClassLoader none = noServices();
                URLClassLoader one = servicesFrom("one");
                URLClassLoader two = servicesFrom("two")) {
            assertThat(new ServiceLoaderProviderLoader(none).load(EventBusProvider.class))
                    .isEmpty();
            NoProviderException e = catchThrowableOfType(
                    NoProviderException.class,
                    () -> selector.select(
                            null, Optional.empty(), new ServiceLoaderProviderLoader(none), EventBusProvider.class));
            assertThat(e.getMessage()).contains("dev.scaleplane:scaleplane-events-<name>");

            assertThat(selector.select(
                            null, Optional.empty(), new ServiceLoaderProviderLoader(one), EventBusProvider.class))
                    .isInstanceOf(FakeProviders.Alpha.class);
            assertThat(selector.select(
                            null, Optional.empty(), new ServiceLoaderProviderLoader(two), EventBusProvider.class))
                    .isInstanceOf(FakeProviders.Beta.class);
            assertThat(selector.select(
                            null, Optional.of("alpha"), new ServiceLoaderProviderLoader(two), EventBusProvider.class))
                    .isInstanceOf(FakeProviders.Alpha.class);
        }
    }

    @Test
    void whenOnlyBrokenProvidersAreRegisteredTheErrorNamesThem() throws IOException {
        try (URLClassLoader loader = servicesFrom("only-broken")) {
            ServiceLoaderProviderLoader providers = new ServiceLoaderProviderLoader(loader);
            NoProviderException e = catchThrowableOfType(
                    NoProviderException.class,
                    () -> stderrOf(() -> ProviderSelector.eventBus()
                            .select(null, Optional.empty(), providers, EventBusProvider.class)));
            assertThat(e.getMessage())
                    .contains("No event bus provider was found")
                    .contains("failed to load")
                    .contains(FakeProviders.Throwing.class.getName())
                    .contains("boom: the broker client could not start")
                    .contains("dev.scaleplane.core.discovery.DoesNotExist");
            assertThat(e.failures()).hasSize(2);
            assertThat(e.getCause()).isInstanceOf(ServiceConfigurationError.class);
        }
    }

    @Test
    void fixedInstancesNeedNoDiscovery() {
        FakeProviders.Alpha alpha = new FakeProviders.Alpha();
        ProviderLoader loader = ProviderLoader.of(alpha, "not a provider", new FakeProviders.Beta());
        assertThat(loader.load(EventBusProvider.class))
                .extracting(p -> p.getClass().getSimpleName())
                .containsExactly("Alpha", "Beta");
        assertThat(loader.load(EventBusProvider.class).get(0)).isSameAs(alpha);
        assertThat(loader.load(CharSequence.class)).containsExactly("not a provider");
        assertThat(loader.failures(EventBusProvider.class)).isEmpty();
        assertThat(ProviderLoader.of(List.of()).load(EventBusProvider.class)).isEmpty();
    }

    @Test
    void theDefaultLoaderUsesTheContextClassLoader() throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader one = servicesFrom("one")) {
            thread.setContextClassLoader(one);
            assertThat(new ServiceLoaderProviderLoader().load(EventBusProvider.class))
                    .singleElement()
                    .isInstanceOf(FakeProviders.Alpha.class);
            assertThat(ProviderLoader.serviceLoader(one).load(EventBusProvider.class))
                    .hasSize(1);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
