package dev.scaleplane.adapters.datadog;

import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.tck.ObservabilityAdapterCompatibilityKit;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Datadog against the kit, on the Datadog simulation, with both keys and the site's URL overridden by base-url. */
class DatadogCompatibilityTest extends ObservabilityAdapterCompatibilityKit {
    private static FakeDatadog datadog;

    @BeforeAll
    static void start() {
        datadog = FakeDatadog.launch();
    }

    @AfterAll
    static void stop() {
        datadog.shutdown();
    }

    @Override
    protected ObservabilityAdapter createAdapter() {
        String p = "scaleplane.adapters.datadog-tck.";
        Map<String, String> config = Map.of(
                p + "type",
                "datadog",
                p + "site",
                "datadoghq.eu",
                p + "base-url",
                datadog.baseUrl(),
                p + "auth.api-key",
                FakeDatadog.API_KEY,
                p + "auth.application-key",
                FakeDatadog.APPLICATION_KEY);
        return new DatadogProvider().create("datadog-tck", new TestContext(config).context());
    }

    @Override
    protected Set<ObservabilityCapability> capabilities() {
        return new DatadogProvider().capabilities();
    }

    /** Datadog's metric query: the average over the series carrying these tags, e.g. {@code avg:m{a:x,b:y}}. */
    @Override
    protected String selector(String metric, Map<String, String> labels) {
        String scope = labels.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
        return "avg:" + metric + "{" + (scope.isEmpty() ? "*" : scope) + "}";
    }

    @Override
    protected String invalidQuery() {
        return "sum((";
    }
}
