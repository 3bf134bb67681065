package dev.scaleplane.adapters.vault;

import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TestProviderContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a platform hands the provider, for tests: the configuration, a sleeper that records waits instead of sleeping,
 * and a governor of the test's own (so budgets do not leak between tests), on the system clock or a given one.
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

    /** A clock that stands still until a test moves it. Thread-safe. */
    static final class VirtualClock extends Clock {
        private volatile Instant now;

        VirtualClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
