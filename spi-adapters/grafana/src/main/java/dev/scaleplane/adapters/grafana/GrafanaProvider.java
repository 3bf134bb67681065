package dev.scaleplane.adapters.grafana;

import dev.scaleplane.adapters.grafana.internal.GrafanaAnnotations;
import dev.scaleplane.adapters.grafana.internal.GrafanaInstance;
import dev.scaleplane.adapters.grafana.internal.GrafanaSettings;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.Set;

/**
 * Grafana annotations, system {@code grafana}, over Grafana's HTTP API (grafana.com/docs, "Annotations HTTP API";
 * self-hosted Grafana and Grafana Cloud stacks alike). Settings: see {@link dev.scaleplane.adapters.grafana}.
 *
 * <table>
 *   <caption>What each call does</caption>
 *   <tr><th>call</th><th>Grafana endpoint</th><th>notes</th></tr>
 *   <tr><td>{@code annotate}</td><td>{@code POST /api/annotations}, JSON {@code {"dashboardUID", "panelId", "time",
 *       "timeEnd", "tags", "text"}}</td><td>times in epoch milliseconds; {@code dashboardUID}, {@code panelId} and
 *       {@code timeEnd} only when set (no dashboard: an organisation annotation, shown on every dashboard that adds
 *       the Grafana annotations data source); tags sorted; Grafana answers {@code {"message": "Annotation added",
 *       "id": N}} and {@code N} is the annotation's id. An empty text is refused before sending, as Grafana refuses
 *       it.</td></tr>
 *   <tr><td>{@code annotations}</td><td>{@code GET /api/annotations?from=&to=&tags=&tags=&limit=&matchAny=false&type=annotation}</td>
 *       <td>every tag must match ({@code matchAny=false}); Grafana keeps those overlapping the window ({@code time <=
 *       to} and {@code timeEnd >= from}), newest first, at most {@code limit}; {@code type=annotation} leaves out
 *       alert-state annotations. Tags of the form {@code key:value} are matched as Grafana's key/value pairs. The
 *       search spans the whole organisation (dashboard and organisation annotations the credential may read): an
 *       {@code AnnotationQuery} names no dashboard, so Grafana's {@code dashboardUID} filter is not sent.</td></tr>
 *   <tr><td>{@code markDeployment}</td><td>{@code POST /api/annotations}</td><td>a moment at the marker's time,
 *       tagged {@code DeploymentMarker.tags()} ({@code deployment}, {@code service:checkout}, {@code version:1.4.2},
 *       ...), text {@code "checkout 1.4.2 deployed to production/ams-1"}, on {@code deployment-markers.dashboard-uid}
 *       (and {@code deployment-markers.panel-id}) when configured, else organisation-wide</td></tr>
 *   <tr><td>{@code query}, {@code queryRange}, {@code push}</td><td>none</td><td>refused with {@link
 *       UnsupportedOperationException} naming {@code QUERY} or {@code PUSH}: Grafana's annotations API holds no
 *       metrics. Queries go to the data source's own adapter, e.g. a {@code prometheus} instance for the Prometheus
 *       behind the dashboards.</td></tr>
 * </table>
 *
 * <p>How annotations map: id = Grafana's numeric id, as text; {@code start} = {@code time}; {@code end} = {@code
 * timeEnd}, or null when it equals {@code time} (Grafana keeps a moment as a region of zero length); {@code dashboard}
 * = {@code dashboardUID}; {@code panel} = {@code panelId} when not 0. Times are kept to the millisecond.
 *
 * <p>Credentials: a service-account token in {@code Authorization: Bearer} (needs {@code annotations:read} and {@code
 * annotations:create}), or a Grafana user with HTTP Basic; {@code X-Grafana-Org-Id} from {@code org-id} on every
 * request when set (a service-account token belongs to one organisation: naming another is refused with 401). Errors:
 * Grafana's {@code {"message": ...}} bodies become the plumbing's typed exceptions; reads (GET) are retried on 5xx, a
 * POST that reached Grafana never is, so no annotation is created twice.
 */
public final class GrafanaProvider implements ObservabilityAdapterProvider {

    /** Creates the provider; stateless. */
    public GrafanaProvider() {}

    @Override
    public String name() {
        return "grafana";
    }

    /** {@code ANNOTATIONS} and {@code DEPLOYMENT_MARKERS}. */
    @Override
    public Set<ObservabilityCapability> capabilities() {
        return GrafanaAnnotations.CAPABILITIES;
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        GrafanaSettings.read(instance, config);
    }

    @Override
    public ObservabilityAdapter create(String instance, ProviderContext context) {
        return GrafanaInstance.annotations(instance, context);
    }
}
