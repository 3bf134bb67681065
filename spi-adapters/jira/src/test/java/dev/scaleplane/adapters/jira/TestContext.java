package dev.scaleplane.adapters.jira;

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
 * What a platform hands the provider, for tests: the configuration, a virtual clock, a sleeper that records each wait
 * and moves the clock on by it instead of sleeping, and a governor of the test's own on that clock (so budgets do not
 * leak between tests, and a wait the governor imposed is over once it has been waited).
 */
final class TestContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    /** Where the virtual clock starts. */
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final VirtualClock clock = new VirtualClock(T0);
    private final ProviderContext context;

    TestContext(Map<String, String> config) {
        Sleeper sleeper = duration -> {
            waits.add(duration);
            clock.advance(duration);
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

    /** A clock that moves only when told. Thread-safe. */
    static final class VirtualClock extends Clock {
        private volatile Instant now;

        VirtualClock(Instant start) {
            now = start;
        }

        synchronized void advance(Duration by) {
            now = now.plus(by);
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
