package dev.scaleplane.adapters.linear;

import dev.scaleplane.adapters.http.testing.AdapterTestContext;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import java.time.Duration;
import java.util.Map;

/**
 * The shared adapter test context on a {@link VirtualClock} at {@code FakeLinear.EPOCH} that waits move forward; the
 * governor may wait up to an hour (Linear's hourly budgets).
 */
final class TestContext extends AdapterTestContext {
    /** The context's clock. */
    final VirtualClock clock;

    TestContext(Map<String, String> config) {
        this(config, new VirtualClock(FakeLinear.EPOCH));
    }

    private TestContext(Map<String, String> config, VirtualClock clock) {
        super(config, clock, true, b -> b.maxWait(Duration.ofHours(1)));
        this.clock = clock;
    }
}
