package dev.scaleplane.adapters.prometheus;

import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.tck.ObservabilityAdapterCompatibilityKit;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * Prometheus against the kit, on a real Prometheus server scraping a real Pushgateway every second ({@link
 * PrometheusServers}): pushed values are read back through the server after a scrape, as users see them.
 */
class PrometheusCompatibilityTest extends ObservabilityAdapterCompatibilityKit {
    private static PrometheusServers servers;

    @BeforeAll
    static void start() {
        servers = PrometheusServers.start();
    }

    @Override
    protected ObservabilityAdapter createAdapter() {
        String p = "scaleplane.adapters.prom-tck.";
        Map<String, String> config = Map.of(
                p + "type", "prometheus",
                p + "base-url", servers.prometheusUrl(),
                p + "pushgateway-url", servers.pushgatewayUrl());
        return new PrometheusProvider().create("prom-tck", new TestContext(config).context());
    }

    @Override
    protected Set<ObservabilityCapability> capabilities() {
        return new PrometheusProvider().capabilities();
    }

    @Override
    protected String selector(String metric, Map<String, String> labels) {
        return PromQL.selector(metric, labels);
    }

    @Override
    protected String invalidQuery() {
        return "sum((";
    }

    /** A value shows after the next scrape of the Pushgateway (every second): this covers a good many of them. */
    @Override
    protected Duration visibilityTimeout() {
        return Duration.ofSeconds(15);
    }
}
