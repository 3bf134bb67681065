package dev.scaleplane.adapters.aws;

import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TestProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a platform hands the provider, for tests: the configuration, a sleeper that records the SDK's retry waits
 * instead of sleeping, and a metrics registry of the test's own.
 */
final class TestContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final MeterRegistry meters = new SimpleMeterRegistry();
    private final ProviderContext context;

    TestContext(Map<String, String> config) {
        context = TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .component(Sleeper.class, waits::add)
                .component(MeterRegistry.class, meters)
                .build();
    }

    ProviderContext context() {
        return context;
    }
}
