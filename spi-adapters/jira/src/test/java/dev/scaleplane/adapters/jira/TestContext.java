package dev.scaleplane.adapters.jira;

import dev.scaleplane.adapters.http.testing.AdapterTestContext;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The shared adapter test context on a {@link VirtualClock} at {@link #T0} that waits move forward. */
final class TestContext extends AdapterTestContext {
    /** Where the virtual clock starts. */
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    TestContext(Map<String, String> config) {
        super(config, new VirtualClock(T0), true, UnaryOperator.identity());
    }
}
