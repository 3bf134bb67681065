package dev.scaleplane.core.internal.slo;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The SLO settings of a platform, read and checked when the platform is built, every problem in one {@link
 * ConfigurationException}:
 *
 * <ul>
 *   <li>{@value #INTERVAL}: how often every SLO is evaluated, default one minute;
 *   <li>{@value #LIFT_ABOVE}: a frozen service is lifted when every SLO of it has more than this share of its budget
 *       left, in [0, 1), default {@value #DEFAULT_LIFT_ABOVE};
 *   <li>SLOs under {@code scaleplane.slos.<name>.}: {@code service}, {@code objective} (e.g. 0.995), {@code window}
 *       ({@code 28d} or {@code 30d}, default 30d), {@code sli.type} ({@code events} or {@code query}); for events
 *       {@code sli.good-types} and {@code sli.bad-types} (comma-separated type names; both unset means deployment
 *       success) and {@code sli.service-field} (default {@code application}); for query {@code sli.adapter}, {@code
 *       sli.good-query} and {@code sli.total-query}.
 * </ul>
 */
record SloSettings(Duration interval, double liftAbove, List<SloDefinition> definitions) {
    static final String INTERVAL = "scaleplane.slo-policy.evaluation-interval";
    static final String LIFT_ABOVE = "scaleplane.slo-policy.lift-above";
    static final double DEFAULT_LIFT_ABOVE = 0.1;
    private static final Set<String> FIELDS = Set.of(
            "service",
            "objective",
            "window",
            "sli.type",
            "sli.good-types",
            "sli.bad-types",
            "sli.service-field",
            "sli.adapter",
            "sli.good-query",
            "sli.total-query");

    SloSettings {
        definitions = List.copyOf(definitions);
    }

    /**
     * Reads and checks the settings.
     *
     * @throws ConfigurationException listing every problem
     */
    static SloSettings read(ConfigProperties config) {
        ConfigReader reader = new ConfigReader(config);
        Duration interval = reader.duration(INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1));
        double liftAbove = ratio(reader, LIFT_ABOVE, DEFAULT_LIFT_ABOVE);
        reader.rejectUnknownKeys("scaleplane.slo-policy.");
        List<Problem> problems = new ArrayList<>(reader.problems());
        List<SloDefinition> definitions = new ArrayList<>();
        for (String name : names(config)) {
            try {
                definitions.add(definition(config, name));
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new SloSettings(interval, liftAbove, definitions);
    }

    private static Set<String> names(ConfigProperties config) {
        Set<String> names = new TreeSet<>();
        for (String key : config.keys()) {
            if (key.startsWith(SloDefinition.PREFIX)) {
                String rest = key.substring(SloDefinition.PREFIX.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return names;
    }

    private static SloDefinition definition(ConfigProperties config, String name) {
        ConfigReader reader = new ConfigReader(config);
        Set<String> known = FIELDS.stream().map(f -> SloDefinition.key(name, f)).collect(Collectors.toSet());
        reader.rejectUnknownKeys(SloDefinition.PREFIX + name + ".", known);
        SloDefinition.Builder b = SloDefinition.builder(name);
        reader.optional(SloDefinition.key(name, "service")).ifPresent(b::service);
        reader.optional(SloDefinition.key(name, "objective")).ifPresent(v -> {
            try {
                b.objective(Double.parseDouble(v.trim()));
            } catch (NumberFormatException e) {
                b.objective(-1); // reported by build() with the key and what is expected
            }
        });
        Duration window = reader.duration(
                SloDefinition.key(name, "window"), Duration.ofDays(30), Duration.ZERO, Duration.ofDays(3650));
        b.window(window);
        String typeKey = SloDefinition.key(name, "sli.type");
        Optional<String> type = reader.optional(typeKey).map(String::trim);
        if (type.isPresent() && type.get().equals("events")) {
            Set<String> good = list(reader, SloDefinition.key(name, "sli.good-types"));
            Set<String> bad = list(reader, SloDefinition.key(name, "sli.bad-types"));
            String field = reader.string(SloDefinition.key(name, "sli.service-field"), "application");
            Sli.EventRatio success = (Sli.EventRatio) Sli.deploymentSuccess();
            b.sli(
                    good.isEmpty() && bad.isEmpty()
                            ? new Sli.EventRatio(success.goodTypes(), success.badTypes(), field)
                            : new Sli.EventRatio(good, bad, field));
        } else if (type.isPresent() && type.get().equals("query")) {
            b.sli(new Sli.QueryRatio(
                    reader.string(SloDefinition.key(name, "sli.adapter"), ""),
                    reader.string(SloDefinition.key(name, "sli.good-query"), ""),
                    reader.string(SloDefinition.key(name, "sli.total-query"), "")));
        } else if (type.isPresent()) {
            reader.check(false, typeKey, type.get(), "events (counts of platform events) or query (a PromQL pair)");
        }
        List<Problem> problems = new ArrayList<>(reader.problems());
        try {
            SloDefinition d = b.build();
            if (problems.isEmpty()) {
                return d;
            }
        } catch (ConfigurationException e) {
            for (Problem p : e.problems()) {
                // The reader already named a bad window or type; the builder would repeat it in other words.
                if (problems.stream().noneMatch(q -> q.key().equals(p.key()))
                        && !(p.key().equals(typeKey) && type.isPresent())) {
                    problems.add(p);
                }
            }
        }
        throw new ConfigurationException(problems);
    }

    private static Set<String> list(ConfigReader reader, String key) {
        return reader.optional(key)
                .map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new)))
                .orElseGet(LinkedHashSet::new);
    }

    private static double ratio(ConfigReader reader, String key, double defaultValue) {
        Optional<String> raw = reader.optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            double v = Double.parseDouble(raw.get().trim());
            if (v >= 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        reader.check(false, key, raw.get(), "a share of the error budget in [0, 1), e.g. 0.1");
        return defaultValue;
    }
}
