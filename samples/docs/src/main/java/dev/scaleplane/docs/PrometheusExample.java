package dev.scaleplane.docs;

import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.function.ObjIntConsumer;

/** The README's Prometheus example: the platform's meters served for scraping while the application runs. */
public final class PrometheusExample {

    private PrometheusExample() {}

    // tag::readme[]
    public static void runWithMetricsEndpoint(int port, ObjIntConsumer<ScaleplanePlatform> application)
            throws IOException {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ScaleplanePlatform platform =
                        Scaleplane.builder().meterRegistry(prometheus).build();
                HTTPServer metrics = HTTPServer.builder()
                        .hostname("127.0.0.1") // leave out to listen on every interface
                        .port(port) // 0: any free port
                        .registry(prometheus.getPrometheusRegistry())
                        .buildAndStart()) {
            // Prometheus scrapes http://127.0.0.1:<port>/metrics: scaleplane_events_published_total, ...
            application.accept(platform, metrics.getPort());
        }
    }
    // end::readme[]
}
