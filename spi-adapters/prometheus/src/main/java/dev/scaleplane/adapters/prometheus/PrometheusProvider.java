package dev.scaleplane.adapters.prometheus;

import dev.scaleplane.adapters.prometheus.internal.PrometheusAdapter;
import dev.scaleplane.adapters.prometheus.internal.PrometheusInstance;
import dev.scaleplane.adapters.prometheus.internal.PrometheusSettings;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Prometheus, system {@code prometheus}: queries through the Prometheus server's HTTP API
 * (prometheus.io/docs/prometheus/latest/querying/api), pushes and deployment markers through a Pushgateway
 * (github.com/prometheus/pushgateway, README "API"). Settings: see {@link dev.scaleplane.adapters.prometheus}.
 *
 * <table>
 *   <caption>Calls and endpoints</caption>
 *   <tr><th>call</th><th>endpoint</th><th>notes</th></tr>
 *   <tr><td>{@code query(q, at)}</td><td>{@code GET /api/v1/query?query=<q>&time=<at>}</td>
 *       <td>times as Unix seconds with milliseconds; a {@code vector} gives one sample per series, a {@code scalar}
 *       one sample without labels, a {@code matrix} (a range selector such as {@code x[5m]}) one sample per point, a
 *       {@code string} one sample labelled {@code string=<text>} with value NaN</td></tr>
 *   <tr><td>{@code queryRange(q, start, end, step)}</td>
 *       <td>{@code GET /api/v1/query_range?query=<q>&start=<start>&end=<end>&step=<seconds>}</td>
 *       <td>a {@code matrix}: one series per label set, points oldest first; step at least 1 ms</td></tr>
 *   <tr><td>either, with parameters over 2048 encoded characters</td>
 *       <td>{@code POST} of the same path with the parameters as an {@code application/x-www-form-urlencoded}
 *       body</td><td>Prometheus reads both alike; proxies cut long URLs off. Retried as a GET is</td></tr>
 *   <tr><td>{@code push(points)}</td><td>{@code POST /metrics/job/<job>{/<label>/<value>}} on the Pushgateway,
 *       the grouping labels sorted by name (by default {@code instance/<host name>}), text exposition format
 *       0.0.4</td>
 *       <td>one {@code # TYPE <name> counter|gauge} line per metric name, then its series; label values escaped
 *       ({@code \\ \" \n}). {@code POST} replaces, within the group, every series of the metric names pushed (push
 *       all series of a metric together) and keeps the others. All or nothing: the Pushgateway takes the whole body
 *       or none of it. {@link dev.scaleplane.api.adapters.observability.MetricPoint#at()} is not sent: the
 *       Pushgateway refuses timestamps, Prometheus stamps each sample with its scrape time. An empty list sends
 *       nothing</td></tr>
 *   <tr><td>{@code markDeployment(marker)}</td>
 *       <td>{@code PUT /metrics/job/<job>/<label>/<value>...} with the marker's {@code labels()} as the grouping
 *       key</td><td>one gauge {@code scaleplane_deployment_timestamp_seconds <at as Unix seconds>}: its grouping key
 *       is the marker's own labels (service, version, environment, cluster, attributes), so markers of different
 *       deployments live in different groups and never overwrite each other, while marking one deployment again
 *       updates its time. The grouping labels become the series' labels (the scrape needs {@code honor_labels:
 *       true}, as the Pushgateway's README asks); the {@code instance} grouping label is not added</td></tr>
 *   <tr><td>{@code annotate}, {@code annotations}</td><td>none</td>
 *       <td>Prometheus has no annotations API: {@link UnsupportedOperationException} naming {@code ANNOTATIONS}; the
 *       marker series is what Grafana can show as annotations</td></tr>
 * </table>
 *
 * <p>Grouping-key values that a path segment cannot carry (one containing {@code /}, an empty one, {@code .} and
 * {@code ..}) are sent base64url-encoded after the label name suffixed {@code @base64}; others are percent-encoded. A
 * pushed label named like a grouping label ({@code job}, {@code instance}, any {@code grouping.*}) is refused: the
 * Pushgateway would overwrite its value with the grouping key's.
 *
 * <p>Errors: Prometheus answers {@code {"status": "error", "errorType", "error"}}; {@code bad_data} (400, e.g. a query
 * that does not parse) and {@code execution} (422) are an {@link dev.scaleplane.api.adapters.AdapterRequestRefusedException}
 * whose server message is Prometheus' {@code error} text, {@code timeout} and {@code canceled} (503) an {@link
 * dev.scaleplane.api.adapters.AdapterUnavailableException}. The Pushgateway refuses an inconsistent push (a name
 * pushed elsewhere with another type, a duplicate series) with a 400 and a text explanation, which becomes the refusal's
 * server message. Retries are the plumbing's: queries (GET, and the form-encoded POST) are retried on 5xx and
 * timeouts; pushes and markers only when they were never sent, or on a 429 or a 503 that says when.
 *
 * <p>Capabilities: {@code QUERY}, {@code PUSH} and {@code DEPLOYMENT_MARKERS}. An instance without a {@code
 * pushgateway-url} offers {@code QUERY} only, says so in its {@code capabilities()}, and refuses pushes and markers
 * with an {@link UnsupportedOperationException} naming the capability and the missing key.
 */
public final class PrometheusProvider implements ObservabilityAdapterProvider {

    /** The gauge a deployment marker is pushed as, valued with the marker's time in Unix seconds. */
    public static final String MARKER_METRIC = PrometheusAdapter.MARKER_METRIC;

    /** Creates the provider; stateless. */
    public PrometheusProvider() {}

    @Override
    public String name() {
        return "prometheus";
    }

    /** {@code QUERY}, {@code PUSH}, {@code DEPLOYMENT_MARKERS}; never {@code ANNOTATIONS}. */
    @Override
    public Set<ObservabilityCapability> capabilities() {
        return EnumSet.of(
                ObservabilityCapability.QUERY,
                ObservabilityCapability.PUSH,
                ObservabilityCapability.DEPLOYMENT_MARKERS);
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        PrometheusSettings.read(instance, config);
    }

    @Override
    public ObservabilityAdapter create(String instance, ProviderContext context) {
        return PrometheusInstance.adapter(instance, context);
    }
}
