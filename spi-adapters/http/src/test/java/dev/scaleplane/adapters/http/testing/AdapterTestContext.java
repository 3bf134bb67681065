package dev.scaleplane.adapters.http.testing;

import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.TestProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * What a platform hands an adapter provider, for adapter tests: the configuration, a clock, a sleeper that records
 * waits instead of sleeping (and, when asked, moves a {@link VirtualClock} by them), a rate-limit governor of the
 * test's own on that clock (so budgets do not leak between tests) and a meter registry the test can read. The one
 * home of this fixture for every adapter module (their tests depend on this module's test jar).
 */
public class AdapterTestContext {
    /** Every wait the adapter asked for, in order. */
    public final List<Duration> waits = new CopyOnWriteArrayList<>();

    /** The registry the adapter's meters go to. */
    public final MeterRegistry meters = new SimpleMeterRegistry();

    private final Clock clock;
    private final ProviderContext context;

    /** On the system clock. */
    public AdapterTestContext(Map<String, String> config) {
        this(config, Clock.systemUTC());
    }

    /** On {@code clock}; waits are only recorded. */
    public AdapterTestContext(Map<String, String> config, Clock clock) {
        this(config, clock, false, UnaryOperator.identity());
    }

    /**
     * On {@code clock}.
     *
     * @param sleepingMovesClock whether a wait moves {@code clock} (a {@link VirtualClock}) forward by its length, so
     *     an adapter that waits for a reset finds it passed
     * @param governor adjusts the governor's builder (its clock is already {@code clock})
     */
    public AdapterTestContext(
            Map<String, String> config,
            Clock clock,
            boolean sleepingMovesClock,
            UnaryOperator<RateLimitGovernor.Builder> governor) {
        this.clock = clock;
        if (sleepingMovesClock && !(clock instanceof VirtualClock)) {
            throw new IllegalArgumentException("only a VirtualClock can be moved by waits, but was " + clock);
        }
        Sleeper sleeper = d -> {
            waits.add(d);
            if (sleepingMovesClock) {
                ((VirtualClock) clock).advance(d);
            }
        };
        context = TestProviderContext.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(clock)
                .component(Sleeper.class, sleeper)
                .component(
                        RateLimitGovernor.class,
                        governor.apply(RateLimitGovernor.builder().clock(clock)).build())
                .component(MeterRegistry.class, meters)
                .build();
    }

    /** The context to hand a provider's {@code create}. */
    public ProviderContext context() {
        return context;
    }

    /** The configuration, for a provider's {@code validate}. */
    public ConfigProperties config() {
        return context.config();
    }

    /** The context's clock. */
    public Clock clock() {
        return clock;
    }
}
