package dev.scaleplane.adapters.aws;

import dev.scaleplane.adapters.http.testing.AdapterTestContext;
import java.util.Map;

/** The shared adapter test context ({@link AdapterTestContext}); waits are recorded, never slept. */
final class TestContext extends AdapterTestContext {
    TestContext(Map<String, String> config) {
        super(config);
    }
}
