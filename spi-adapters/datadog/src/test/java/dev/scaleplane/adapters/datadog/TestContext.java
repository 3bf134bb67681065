package dev.scaleplane.adapters.datadog;

import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TestProviderContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a platform hands the providers, for tests: the configuration, a sleeper that records waits instead of
 * sleeping, and a governor of the test's own (so budgets do not leak between tests), on the system clock or a given
 * one.
 */
final class TestContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ProviderContext context;

    TestContext(Map<String, String> config) {
        this(config, Clock.systemUTC());
    }

    TestContext(Map<String, String> config, Clock clock) {
        context = TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(clock)
                .component(Sleeper.class, waits::add)
                .component(
                        RateLimitGovernor.class,
                        RateLimitGovernor.builder().clock(clock).build())
                .build();
    }

    ProviderContext context() {
        return context;
    }

    ConfigProperties config() {
        return context.config();
    }
}
