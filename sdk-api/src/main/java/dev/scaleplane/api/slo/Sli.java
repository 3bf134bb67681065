package dev.scaleplane.api.slo;

import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import java.util.Objects;
import java.util.Set;

/**
 * A service-level indicator as a ratio of good to total events over a window. Two kinds exist; both are immutable
 * values, checked when the {@link SloDefinition} holding them is built (so problems are reported with the SLO's
 * configuration keys, all at once).
 */
public sealed interface Sli permits Sli.QueryRatio, Sli.EventRatio {

    /** The placeholder {@link QueryRatio} queries carry for the window, e.g. {@code [$window]}. */
    String WINDOW_PLACEHOLDER = "$window";

    /**
     * Good and total from two queries of the observability adapter named {@code adapter} (e.g. PromQL through the
     * Prometheus adapter), each evaluated as an instant query at the evaluation time with {@value
     * #WINDOW_PLACEHOLDER} replaced by the window in the system's duration syntax ({@code 5m}, {@code 1h}, {@code
     * 30d}). Every sample a query returns is summed, so {@code sum(...)} is optional. Example: good {@code
     * sum(increase(http_requests_total{job="checkout",code!~"5.."}[$window]))}, total {@code
     * sum(increase(http_requests_total{job="checkout"}[$window]))}.
     *
     * @param adapter the observability adapter instance, as in {@code platform.adapters().observability(adapter)}
     * @param goodQuery counts good events over {@value #WINDOW_PLACEHOLDER}
     * @param totalQuery counts all events over {@value #WINDOW_PLACEHOLDER}
     */
    record QueryRatio(String adapter, String goodQuery, String totalQuery) implements Sli {
        /** Checks nulls only; the definition validates the content. */
        public QueryRatio {
            Objects.requireNonNull(adapter, "adapter");
            Objects.requireNonNull(goodQuery, "goodQuery");
            Objects.requireNonNull(totalQuery, "totalQuery");
        }
    }

    /**
     * Good and total counted over the platform's own events in the event store: events of the {@code goodTypes} are
     * good, events of the {@code badTypes} are bad, total is good plus bad. An event counts for the SLO's service when
     * its payload's field {@code serviceField} equals the service name (for the deployment events, {@code
     * application}); the event's {@code time} places it in a window. Example: deployment success is good {@code
     * DeploymentCompleted}, bad {@code DeploymentFailed} ({@link #deploymentSuccess()}).
     *
     * @param goodTypes event type names counted as good, at least one
     * @param badTypes event type names counted as bad, at least one, none of them good
     * @param serviceField the payload field holding the service name
     */
    record EventRatio(Set<String> goodTypes, Set<String> badTypes, String serviceField) implements Sli {
        /** Copies the sets; the definition validates the content. */
        public EventRatio {
            goodTypes = Set.copyOf(goodTypes);
            badTypes = Set.copyOf(badTypes);
            Objects.requireNonNull(serviceField, "serviceField");
        }
    }

    /** A query ratio; see {@link QueryRatio}. */
    static Sli queryRatio(String adapter, String goodQuery, String totalQuery) {
        return new QueryRatio(adapter, goodQuery, totalQuery);
    }

    /**
     * Deployment success over platform events: good {@code dev.scaleplane.deployment.completed.v1}, bad {@code
     * dev.scaleplane.deployment.failed.v1}, service field {@code application}.
     */
    static Sli deploymentSuccess() {
        return new EventRatio(Set.of(DeploymentCompleted.TYPE_NAME), Set.of(DeploymentFailed.TYPE_NAME), "application");
    }
}
