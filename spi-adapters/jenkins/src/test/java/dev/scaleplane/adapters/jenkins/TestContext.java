package dev.scaleplane.adapters.jenkins;

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
import org.jspecify.annotations.Nullable;

/**
 * What a platform hands the provider, for tests: the configuration, a sleeper that records waits instead of sleeping
 * (and moves the virtual clock by them when the test has one), and a governor of the test's own on the same clock, so
 * budgets do not leak between tests.
 */
final class TestContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ProviderContext context;

    TestContext(Map<String, String> config) {
        this(config, null);
    }

    TestContext(Map<String, String> config, @Nullable VirtualClock virtual) {
        Clock clock = virtual != null ? virtual : Clock.systemUTC();
        Sleeper sleeper = d -> {
            waits.add(d);
            if (virtual != null) {
                virtual.advance(d);
            }
        };
        context = TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(clock)
                .component(Sleeper.class, sleeper)
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

    /** A clock that moves only when told (or when the test context's sleeper is asked to wait). */
    static final class VirtualClock extends Clock {
        private volatile Instant now;

        VirtualClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
