package dev.scaleplane.adapters.grafana;

import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.tck.ObservabilityAdapterCompatibilityKit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Grafana against the kit, on the Grafana simulation, with a service-account token, the organisation header and
 * deployment markers on a dashboard.
 */
class GrafanaCompatibilityTest extends ObservabilityAdapterCompatibilityKit {
    private static FakeGrafana grafana;

    @BeforeAll
    static void start() {
        grafana = FakeGrafana.launch();
    }

    @AfterAll
    static void stop() {
        grafana.shutdown();
    }

    @Override
    protected ObservabilityAdapter createAdapter() {
        String p = "scaleplane.adapters.grafana-tck.";
        Map<String, String> config = Map.of(
                p + "type",
                "grafana",
                p + "base-url",
                grafana.baseUrl(),
                p + "auth.token",
                FakeGrafana.TOKEN,
                p + "org-id",
                "1",
                p + "deployment-markers.dashboard-uid",
                FakeGrafana.DASHBOARD);
        return new GrafanaProvider().create("grafana-tck", new TestContext(config).context());
    }

    @Override
    protected Set<ObservabilityCapability> capabilities() {
        return new GrafanaProvider().capabilities();
    }
}
