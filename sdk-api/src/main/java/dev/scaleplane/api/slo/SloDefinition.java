package dev.scaleplane.api.slo;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A service-level objective in the spirit of OpenSLO: a service, an SLI ({@link Sli}), an objective such as 0.995 and
 * a rolling window of 28 or 30 days, with the burn-rate rules that alert on it ({@link BurnRateRule#defaults} unless
 * given).
 *
 * <p>{@link Builder#build()} checks every field and throws one {@link ConfigurationException} listing each problem
 * under the key the definition has in configuration, {@code scaleplane.slos.<name>.<field>}, with the value and what
 * is expected. Immutable and thread-safe.
 */
public final class SloDefinition {

    /** The prefix of SLO configuration keys: {@code scaleplane.slos.<name>.<field>}. */
    public static final String PREFIX = "scaleplane.slos.";

    /** Names of SLOs and services: lower-case DNS labels (they become stream names and labels). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The rolling windows an SLO may use. */
    public static final Set<Duration> WINDOWS = Set.of(Duration.ofDays(28), Duration.ofDays(30));

    private final String name;
    private final String service;
    private final Sli sli;
    private final double objective;
    private final Duration window;
    private final List<BurnRateRule> rules;

    private SloDefinition(
            String name, String service, Sli sli, double objective, Duration window, List<BurnRateRule> rules) {
        this.name = name;
        this.service = service;
        this.sli = sli;
        this.objective = objective;
        this.window = window;
        this.rules = List.copyOf(rules);
    }

    /** A builder for the SLO {@code name}; the name is checked in {@link Builder#build()}. */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /** The SLO's name, unique per service, e.g. {@code deploy-success}. */
    public String name() {
        return name;
    }

    /** The service the SLO is about, e.g. {@code checkout}. */
    public String service() {
        return service;
    }

    /** The indicator. */
    public Sli sli() {
        return sli;
    }

    /** The objective: the share of good events to meet, in (0, 1), e.g. 0.995. */
    public double objective() {
        return objective;
    }

    /** The rolling window: 28 or 30 days. */
    public Duration window() {
        return window;
    }

    /** The burn-rate rules, in evaluation order. */
    public List<BurnRateRule> rules() {
        return rules;
    }

    /** The configuration key of one of this SLO's fields, {@code scaleplane.slos.<name>.<field>}. */
    public static String key(String name, String field) {
        return PREFIX + name + "." + field;
    }

    @Override
    public String toString() {
        return "SloDefinition{" + service + "/" + name + ", objective=" + objective + ", window=" + window.toDays()
                + "d, sli=" + sli + '}';
    }

    /** Builds a {@link SloDefinition}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private @Nullable String service;
        private @Nullable Sli sli;
        private double objective = Double.NaN;
        private Duration window = Duration.ofDays(30);
        private @Nullable List<BurnRateRule> rules;

        private Builder(String name) {
            this.name = name;
        }

        /** The service (required). */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** The indicator (required). */
        public Builder sli(Sli sli) {
            this.sli = Objects.requireNonNull(sli, "sli");
            return this;
        }

        /** The objective in (0, 1) (required), e.g. 0.995 for 99.5%. */
        public Builder objective(double objective) {
            this.objective = objective;
            return this;
        }

        /** The rolling window, 28 or 30 days. Default 30 days. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** The alerting rules. Default: {@link BurnRateRule#defaults} for the window. */
        public Builder rules(List<BurnRateRule> rules) {
            this.rules = List.copyOf(rules);
            return this;
        }

        /**
         * Checks every field and builds the definition.
         *
         * @throws ConfigurationException listing every problem, each with its key, value and what is expected
         */
        public SloDefinition build() {
            List<Problem> problems = new ArrayList<>();
            String n = LABEL.matcher(name).matches() ? name : "<invalid>";
            if (!LABEL.matcher(name).matches()) {
                problems.add(new Problem(
                        PREFIX + "<name>",
                        name,
                        "an SLO name of 1-63 lower-case letters, digits and '-', e.g. " + "deploy-success"));
            }
            if (service == null) {
                problems.add(new Problem(key(n, "service"), null, "the service the SLO is about, e.g. checkout"));
            } else if (!LABEL.matcher(service).matches()) {
                problems.add(new Problem(
                        key(n, "service"), service, "1-63 lower-case letters, digits and '-', e.g. checkout"));
            }
            if (Double.isNaN(objective)) {
                problems.add(new Problem(key(n, "objective"), null, "a ratio in (0, 1), e.g. 0.995 for 99.5%"));
            } else if (!(objective > 0 && objective < 1)) {
                problems.add(new Problem(
                        key(n, "objective"),
                        Double.toString(objective),
                        "a ratio in (0, 1), e.g. 0.995 for 99.5% (not a percentage)"));
            }
            if (!WINDOWS.contains(window)) {
                problems.add(new Problem(key(n, "window"), window.toString(), "28d or 30d (a rolling window)"));
            }
            if (sli == null) {
                problems.add(new Problem(key(n, "sli.type"), null, "query (a PromQL pair) or events"));
            } else {
                checkSli(n, sli, problems);
            }
            List<BurnRateRule> r = rules;
            if (r == null) {
                r = WINDOWS.contains(window) ? BurnRateRule.defaults(window) : List.of();
            } else {
                checkRules(n, r, problems);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new SloDefinition(
                    name, Objects.requireNonNull(service), Objects.requireNonNull(sli), objective, window, r);
        }

        private void checkRules(String n, List<BurnRateRule> r, List<Problem> problems) {
            Set<String> seen = new HashSet<>();
            for (BurnRateRule rule : r) {
                if (!seen.add(rule.name())) {
                    problems.add(new Problem(key(n, "rules"), rule.name(), "rule names unique within the SLO"));
                }
                if (rule.longWindow().compareTo(window) > 0) {
                    problems.add(new Problem(
                            key(n, "rules." + rule.name() + ".long-window"),
                            rule.longWindow().toString(),
                            "a window no longer than the SLO's " + window.toDays() + "d"));
                }
            }
        }

        private static void checkSli(String n, Sli sli, List<Problem> problems) {
            if (sli instanceof Sli.QueryRatio q) {
                if (q.adapter().isBlank()) {
                    problems.add(new Problem(
                            key(n, "sli.adapter"),
                            q.adapter(),
                            "the name of an observability adapter instance, e.g. prometheus"));
                }
                checkQuery(key(n, "sli.good-query"), q.goodQuery(), problems);
                checkQuery(key(n, "sli.total-query"), q.totalQuery(), problems);
            } else if (sli instanceof Sli.EventRatio e) {
                if (e.goodTypes().isEmpty() || e.goodTypes().stream().anyMatch(String::isBlank)) {
                    problems.add(new Problem(
                            key(n, "sli.good-types"),
                            String.join(",", e.goodTypes()),
                            "one or more event type names, e.g. dev.scaleplane.deployment.completed.v1"));
                }
                if (e.badTypes().isEmpty() || e.badTypes().stream().anyMatch(String::isBlank)) {
                    problems.add(new Problem(
                            key(n, "sli.bad-types"),
                            String.join(",", e.badTypes()),
                            "one or more event type names, e.g. dev.scaleplane.deployment.failed.v1"));
                }
                Set<String> both = new HashSet<>(e.goodTypes());
                both.retainAll(e.badTypes());
                if (!both.isEmpty()) {
                    problems.add(new Problem(
                            key(n, "sli.bad-types"),
                            String.join(",", e.badTypes()),
                            "types that are not also good types, but both list " + both));
                }
                if (e.serviceField().isBlank()) {
                    problems.add(new Problem(
                            key(n, "sli.service-field"),
                            e.serviceField(),
                            "the payload field holding the service name, e.g. application"));
                }
            }
        }

        private static void checkQuery(String key, String query, List<Problem> problems) {
            if (query.isBlank() || !query.contains(Sli.WINDOW_PLACEHOLDER)) {
                problems.add(new Problem(
                        key,
                        query,
                        "a query counting events over the range "
                                + Sli.WINDOW_PLACEHOLDER + ", e.g. sum(increase(http_requests_total["
                                + Sli.WINDOW_PLACEHOLDER
                                + "]))"));
            }
        }
    }
}
