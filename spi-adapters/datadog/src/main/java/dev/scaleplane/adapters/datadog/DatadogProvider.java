package dev.scaleplane.adapters.datadog;

import dev.scaleplane.adapters.datadog.internal.DatadogInstance;
import dev.scaleplane.adapters.datadog.internal.DatadogObservability;
import dev.scaleplane.adapters.datadog.internal.DatadogSettings;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.Set;

/**
 * Datadog, system {@code datadog}: metrics, timeseries queries and events of one organisation on one Datadog site,
 * over Datadog's HTTP API (docs.datadoghq.com/api/latest: "Submit metrics", "Query timeseries points", "Post an
 * event", "Get a list of events"), through the shared adapter plumbing. Settings: see {@link
 * dev.scaleplane.adapters.datadog}.
 *
 * <table>
 *   <caption>What each call does</caption>
 *   <tr><th>call</th><th>Datadog endpoint</th><th>notes</th></tr>
 *   <tr><td>{@code push}</td><td>{@code POST /api/v2/series}, JSON {@code {"series": [{"metric", "type": 3,
 *       "points": [{"timestamp", "value"}], "tags": ["name:value", ...]}]}}</td><td>one request for all points (the
 *       intake validates the payload as a whole), points of one metric and label set in one series; {@code timestamp}
 *       in POSIX seconds, "now" when the point has none; labels as {@code name:value} tags. Counters and gauges
 *       are both sent as gauges (type 3): a counter's value is its total, and Datadog's count type (1) wants the
 *       increment of each flush interval and sums them, so a total sent as a count would be added to the totals
 *       before it; turning totals into increments would need every series' previous total, which dies with the
 *       process. As a gauge the total is kept as sent; {@code monotonic_diff()} or {@code per_second()} turn it into
 *       increments or a rate in a query. Non-finite values and points outside Datadog's window (one hour ago to ten
 *       minutes ahead) are refused before sending. Re-sending gauge points is harmless, so the request is retried
 *       after a 5xx or a timeout. Datadog answers {@code 202 {"errors": []}}; errors in that answer are a typed
 *       refusal.</td></tr>
 *   <tr><td>{@code query}</td><td>{@code GET /api/v1/query?from=&to=&query=}</td><td>Datadog has no instant query:
 *       the window is {@code [at - query.instant-lookback, at]} (POSIX seconds, default 5 minutes) and each series
 *       gives its last point. Labels are the tags of the series' {@code scope} and {@code tag_set}.</td></tr>
 *   <tr><td>{@code queryRange}</td><td>{@code GET /api/v1/query?from=&to=&query=}</td><td>every series with its
 *       {@code pointlist} (epoch ms), gaps left out, oldest first. The endpoint takes no step: Datadog picks the
 *       interval from the window; write {@code .rollup(<method>, <seconds>)} in the query for another. The step is
 *       checked (positive), not sent.</td></tr>
 *   <tr><td>{@code annotate}</td><td>{@code POST /api/v1/events}, JSON {@code {"title", "text", "date_happened",
 *       "tags"}}</td><td>title = the text's first line, text = the text, {@code date_happened} = the start in POSIX
 *       seconds; Datadog answers {@code 202} with the event, whose {@code id_str} is the annotation's id. An event is
 *       a moment with second resolution: the exact start (when it has a sub-second part) and a span's end are kept in
 *       the tags {@code scaleplane.start_ms:<epoch ms>} and {@code scaleplane.end_ms:<epoch ms>}, read back and
 *       hidden from the annotation's tags. Events belong to no dashboard: an annotation naming one is refused.</td></tr>
 *   <tr><td>{@code annotations}</td><td>{@code GET /api/v1/events?start=&end=&tags=&unaggregated=true}, then {@code
 *       &page=1}, ...</td><td>Datadog's {@code tags} matches any of the comma-separated tags and its window holds
 *       {@code date_happened}; the adapter keeps the events carrying every tag (Datadog lowercases tags, so the
 *       comparison ignores case) and overlapping the window, newest first, at most {@code limit}, reading further
 *       pages of 1000 only while a page is full and fewer than {@code limit} matched. A span is found by its
 *       start.</td></tr>
 *   <tr><td>{@code markDeployment}</td><td>{@code POST /api/v1/events}</td><td>an event titled {@code "checkout 1.4.2
 *       deployed to production/ams-1"} at the marker's time, tagged {@code DeploymentMarker.tags()} ({@code
 *       deployment}, {@code service:checkout}, {@code version:1.4.2}, ...), found again by {@code annotations}</td></tr>
 * </table>
 *
 * <p>Why the v1 events API: it is the documented read-and-write pair for events ({@code POST} and {@code GET
 * /api/v1/events} with {@code start}, {@code end} and {@code tags}), and it takes a free title, text and tags. The v2
 * {@code POST /api/v2/events} carries millisecond timestamps but only the categories {@code change} (of a feature
 * flag or a configuration) and {@code alert} (with a status), neither a deployment annotation, and its reads are a
 * search API of another shape.
 *
 * <p>Why not the official Java client ({@code com.datadoghq:datadog-api-client}): it brings Jersey 3 with HK2, the
 * Apache connector, multipart, scribejava, zstd-jni (a native library) and jackson-databind-nullable, and ~9,000
 * generated classes, for four endpoints; and it would bypass the plumbing's governor, retries, redaction and metrics.
 *
 * <p>Keys: {@code DD-API-KEY} and {@code DD-APPLICATION-KEY} on every request, both secrets, masked in logs and never in
 * messages. Rate limits: Datadog's {@code X-RateLimit-Limit}, {@code -Period}, {@code -Remaining}, {@code -Reset}
 * (seconds to the reset) and {@code -Name} headers drive the plumbing's governor, with one budget per organisation
 * (API key) and family of endpoints (series, queries, events), as Datadog counts them: calls slow down when little is
 * left and wait for the reset when nothing is; a 429 is waited out and sent again. Errors: Datadog's {@code {"errors":
 * [...]}} become the typed exceptions' server message (403: {@code AdapterAuthenticationException}; a query Datadog
 * cannot parse, 400: {@code AdapterRequestRefusedException}). Reads are retried on 5xx; an event POST that reached
 * Datadog never is, so no event is posted twice.
 */
public final class DatadogProvider implements ObservabilityAdapterProvider {

    /** Creates the provider; stateless. */
    public DatadogProvider() {}

    @Override
    public String name() {
        return "datadog";
    }

    /** {@code QUERY}, {@code PUSH}, {@code ANNOTATIONS} and {@code DEPLOYMENT_MARKERS}. */
    @Override
    public Set<ObservabilityCapability> capabilities() {
        return DatadogObservability.CAPABILITIES;
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        DatadogSettings.read(instance, config);
    }

    @Override
    public ObservabilityAdapter create(String instance, ProviderContext context) {
        return DatadogInstance.observability(instance, context);
    }
}
