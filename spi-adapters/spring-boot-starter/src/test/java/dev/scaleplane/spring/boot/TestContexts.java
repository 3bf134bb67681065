package dev.scaleplane.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The application contexts the tests run: both auto-configurations, as an application with the starter gets them. */
final class TestContexts {

    private TestContexts() {}

    /** Contexts with no Scaleplane setting at all. */
    static ApplicationContextRunner bare() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        ScaleplaneAutoConfiguration.class, ScaleplaneHealthAutoConfiguration.class));
    }

    /**
     * Contexts on the embedded store: the PostgreSQL store is on the test class path, where the SDK would choose it by
     * priority and ask for its URL.
     */
    static ApplicationContextRunner embedded() {
        return bare().withPropertyValues("scaleplane.store.provider=memory");
    }
}
