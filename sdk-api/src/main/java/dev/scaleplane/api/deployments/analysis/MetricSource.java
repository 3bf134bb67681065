package dev.scaleplane.api.deployments.analysis;

import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link MetricCheck} reads its value: a query through an observability adapter ({@link Query}), or a count
 * or ratio of the platform's own events in its event store ({@link Events}).
 *
 * <p>Queries and event filter values may hold placeholders {@code {{name}}}, replaced by the run's arg {@code name}
 * when the run starts ({@link #resolve}); the deployment controller passes {@code service}, {@code version}, {@code
 * cluster} and {@code deployment}, and any other arg works the same. Sources are immutable values; the constructors
 * check them and throw {@link IllegalArgumentException} naming the field, the value and the fix.
 */
public sealed interface MetricSource permits MetricSource.Query, MetricSource.Events {

    /**
     * This source with every placeholder replaced by its arg.
     *
     * @throws UnknownPlaceholderException naming the first placeholder {@code args} does not hold
     */
    MetricSource resolve(Map<String, String> args);

    /** A query through an observability adapter; see {@link Query}. */
    static Query query(String adapter, String query) {
        return new Query(adapter, query);
    }

    /** The number of events of {@code types} in the trailing {@code window}; see {@link Events}. */
    static Events eventCount(Duration window, Set<String> types) {
        return new Events(types, Set.of(), window, null, null, null);
    }

    /**
     * The share of events of {@code types} among the events of {@code types} and {@code otherTypes} in the trailing
     * {@code window}; see {@link Events}.
     */
    static Events eventRatio(Duration window, Set<String> types, Set<String> otherTypes) {
        return new Events(types, otherTypes, window, null, null, null);
    }

    /**
     * The share of failed deployment outcomes of the run's service in the trailing {@code window}: {@code
     * DeploymentFailed} among {@code DeploymentFailed} and {@code DeploymentCompleted} whose {@code application} is
     * the arg {@code service}. With no outcome in the window the measurement is an error, as for any ratio without
     * events; give a value with {@link Events#orWhenNone(double)}.
     */
    static Events deploymentFailureRatio(Duration window) {
        return eventRatio(window, Set.of(DeploymentFailed.TYPE_NAME), Set.of(DeploymentCompleted.TYPE_NAME))
                .where("application", "{{service}}");
    }

    /**
     * An instant query at the measurement time through the observability adapter instance {@code adapter} (as in
     * {@code platform.adapters().observability(adapter)}), in the system's language (PromQL, Datadog metric queries).
     * The query must select exactly one sample (a scalar, or one series: aggregate with {@code sum(...)} or similar);
     * the sample's value is the measured value. No sample, several samples, or {@code NaN} (Prometheus' answer to
     * {@code 0/0}, e.g. a success rate without traffic) make the measurement an error, as an empty result does in Argo
     * Rollouts (where {@code result[0]} fails to evaluate).
     *
     * @param adapter the observability adapter instance's name, e.g. {@code prometheus}
     * @param query the query, e.g. {@code sum(rate(http_requests_total{job="{{service}}",code=~"5.."}[5m])) /
     *     sum(rate(http_requests_total{job="{{service}}"}[5m]))}
     */
    record Query(String adapter, String query) implements MetricSource {
        /**
         * Checks the fields.
         *
         * @throws IllegalArgumentException if the adapter name or the query is blank or a placeholder is malformed
         */
        public Query {
            Objects.requireNonNull(adapter, "adapter");
            Objects.requireNonNull(query, "query");
            if (adapter.isBlank()) {
                throw new IllegalArgumentException(
                        "adapter must name an observability adapter instance, e.g. prometheus, but was blank");
            }
            if (query.isBlank()) {
                throw new IllegalArgumentException("query must be a query in the adapter's language, e.g."
                        + " sum(rate(http_requests_total{job=\"{{service}}\",code=~\"5..\"}[5m])), but was blank");
            }
            Placeholders.check("query", query);
        }

        @Override
        public Query resolve(Map<String, String> args) {
            return new Query(adapter, Placeholders.substitute(query, args));
        }
    }

    /**
     * Counts of the platform's own events in its event store over the trailing {@code window}, {@code (t - window,
     * t]} at measurement time {@code t}, by each event's {@code time}.
     *
     * <ul>
     *   <li>Count ({@code otherTypes} empty): the number of events of {@code types}, 0 when there are none.
     *   <li>Ratio: events of {@code types} divided by events of {@code types} and {@code otherTypes}, in [0, 1]. With
     *       no such event at all there is no ratio: the measurement is an error, unless {@code valueWhenNone} gives
     *       the value to use.
     * </ul>
     *
     * <p>With a filter, an event counts only when its payload's field {@code filterField} (a record component or map
     * entry) equals {@code filterValue}, e.g. {@code application} equal to {@code {{service}}}.
     *
     * @param types the event type names counted (the numerator of a ratio), at least one, e.g. {@code
     *     dev.scaleplane.deployment.failed.v1}
     * @param otherTypes for a ratio, the other event types of the denominator; empty for a count
     * @param window the trailing window, positive
     * @param filterField the payload field to filter on, or null for no filter
     * @param filterValue the value {@code filterField} must equal (placeholders allowed); null exactly when {@code
     *     filterField} is
     * @param valueWhenNone for a ratio, the value when no event is in the window; null: a measurement error
     */
    record Events(
            Set<String> types,
            Set<String> otherTypes,
            Duration window,
            @Nullable String filterField,
            @Nullable String filterValue,
            @Nullable Double valueWhenNone)
            implements MetricSource {

        /**
         * Copies the sets and checks the fields.
         *
         * @throws IllegalArgumentException naming the field, the value and the fix
         */
        public Events {
            types = Set.copyOf(types);
            otherTypes = Set.copyOf(otherTypes);
            Objects.requireNonNull(window, "window");
            if (types.isEmpty() || types.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("types must be one or more event type names, e.g. "
                        + DeploymentFailed.TYPE_NAME + ", but were " + types);
            }
            if (otherTypes.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("otherTypes must be event type names, but were " + otherTypes);
            }
            Set<String> both = new HashSet<>(types);
            both.retainAll(otherTypes);
            if (!both.isEmpty()) {
                throw new IllegalArgumentException("otherTypes must not repeat types, but both hold " + both
                        + "; list each type once, in types (counted) or otherTypes (only in the denominator)");
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive, e.g. PT10M, but was " + window);
            }
            if ((filterField == null) != (filterValue == null)) {
                throw new IllegalArgumentException("filterField and filterValue go together, but were " + filterField
                        + " and " + filterValue + "; use where(field, value)");
            }
            if (filterField != null && filterField.isBlank()) {
                throw new IllegalArgumentException(
                        "filterField must name a payload field, e.g. application, but was blank");
            }
            if (filterValue != null) {
                Placeholders.check("filterValue", filterValue);
            }
            if (valueWhenNone != null && (otherTypes.isEmpty() || !Double.isFinite(valueWhenNone))) {
                throw new IllegalArgumentException("valueWhenNone must be a finite number and is for ratios only"
                        + " (a count with no events is 0), but was " + valueWhenNone + " for "
                        + (otherTypes.isEmpty() ? "a count" : "a ratio"));
            }
        }

        /** Whether this is a ratio (some {@code otherTypes}) rather than a count. */
        public boolean ratio() {
            return !otherTypes.isEmpty();
        }

        /** This source counting only events whose payload field {@code field} equals {@code value}. */
        public Events where(String field, String value) {
            return new Events(
                    types,
                    otherTypes,
                    window,
                    Objects.requireNonNull(field, "field"),
                    Objects.requireNonNull(value, "value"),
                    valueWhenNone);
        }

        /** This ratio with {@code value} as its value when no event is in the window (rather than an error). */
        public Events orWhenNone(double value) {
            return new Events(types, otherTypes, window, filterField, filterValue, value);
        }

        @Override
        public Events resolve(Map<String, String> args) {
            return filterValue == null
                    ? this
                    : new Events(
                            types,
                            otherTypes,
                            window,
                            filterField,
                            Placeholders.substitute(filterValue, args),
                            valueWhenNone);
        }
    }
}
