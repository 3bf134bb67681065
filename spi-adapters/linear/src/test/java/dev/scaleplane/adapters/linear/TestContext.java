package dev.scaleplane.adapters.linear;

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
 * and moves the clock by it instead of sleeping, and a governor of the test's own on that clock (so budgets do not
 * leak between tests and waits are exact).
 */
final class TestContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final VirtualClock clock = new VirtualClock(FakeLinear.EPOCH);
    private final ProviderContext context;

    TestContext(Map<String, String> config) {
        context = TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(clock)
                .component(Sleeper.class, (Sleeper) d -> {
                    waits.add(d);
                    clock.advance(d);
                })
                .component(
                        RateLimitGovernor.class,
                        RateLimitGovernor.builder()
                                .clock(clock)
                                .maxWait(Duration.ofHours(1))
                                .build())
                .build();
    }

    ProviderContext context() {
        return context;
    }

    ConfigProperties config() {
        return context.config();
    }

    /** A clock that moves only when told. */
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
