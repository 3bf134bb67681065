package dev.scaleplane.adapters.jenkins;

import dev.scaleplane.adapters.http.testing.AdapterTestContext;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The shared adapter test context ({@link AdapterTestContext}); with a {@link VirtualClock}, a wait moves it, so the
 * adapter finds the reset it waited for.
 */
final class TestContext extends AdapterTestContext {
    TestContext(Map<String, String> config) {
        super(config);
    }

    TestContext(Map<String, String> config, VirtualClock virtual) {
        super(config, virtual, true, UnaryOperator.identity());
    }
}
