package dev.scaleplane.adapters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.Sample;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the kit does not cover, against the real Prometheus and Pushgateway of {@link PrometheusServers}: exposition
 * escaping and base64 grouping keys read back exactly, markers of several deployments side by side, the servers' own
 * refusals, every result type, and a long query sent as a form.
 */
class PrometheusServerTest {
    private static final String P = "scaleplane.adapters.prom.";
    private static PrometheusServers servers;
    private String run;

    @BeforeAll
    static void start() {
        servers = PrometheusServers.start();
    }

    @BeforeEach
    void suffix() {
        run = "srv" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private ObservabilityAdapter adapter(Map<String, String> extra) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "prometheus");
        c.put(P + "base-url", servers.prometheusUrl());
        c.put(P + "pushgateway-url", servers.pushgatewayUrl());
        c.putAll(extra);
        return new PrometheusProvider().create("prom", new TestContext(c).context());
    }

    /** Polls {@code read} until {@code ok}, as long as a scrape or two takes: a push is seen after the next scrape. */
    private static <T> T eventually(Supplier<T> read, Predicate<T> ok) {
        Object[] last = new Object[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    T value = read.get();
                    last[0] = value;
                    return ok.test(value);
                });
        @SuppressWarnings("unchecked")
        T value = (T) last[0];
        return value;
    }

    @Test
    void escapedLabelValuesAndBase64GroupingKeysAreReadBackExactly() {
        String job = "batch/" + run;
        Map<String, String> grouping = Map.of(
                P + "job", job,
                P + "grouping.instance", "host/with/slashes",
                P + "grouping.zone", ".",
                P + "grouping.titan", "Προμηθεύς and friends");
        Map<String, String> labels = Map.of(
                "run", run,
                "quoted", "say \"hi\"",
                "backslash", "C:\\temp\\",
                "lines", "one\ntwo",
                "unicode", "π ≈ 3.14");
        try (ObservabilityAdapter prom = adapter(grouping)) {
            prom.push(List.of(MetricPoint.gauge(run + "_escaped", -0.25, labels)));
            List<Sample> samples = eventually(
                    () -> prom.query(PromQL.selector(run + "_escaped", Map.of("run", run)), Instant.now()),
                    s -> !s.isEmpty());
            assertThat(samples).singleElement().satisfies(s -> {
                assertThat(s.value()).isEqualTo(-0.25);
                Map<String, String> expected = new HashMap<>(labels);
                expected.put("__name__", run + "_escaped");
                expected.put("job", job);
                expected.put("instance", "host/with/slashes");
                expected.put("zone", ".");
                expected.put("titan", "Προμηθεύς and friends");
                assertThat(s.labels()).isEqualTo(expected);
            });
            // The escaped values select the series too.
            assertThat(prom.query(PromQL.selector(run + "_escaped", labels), Instant.now()))
                    .hasSize(1);
        }
    }

    @Test
    void markersOfTwoDeploymentsLiveSideBySideAndMarkingOneAgainUpdatesItsTime() {
        Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        try (ObservabilityAdapter prom = adapter(Map.of())) {
            prom.markDeployment(new DeploymentMarker(run, "1.0.0", "production", "ams-1", first, Map.of()));
            prom.markDeployment(new DeploymentMarker(
                    run, "1.1.0", "production", "ams-1", first.plusSeconds(60), Map.of("wave", "canary")));
            String all = PromQL.selector(PrometheusProvider.MARKER_METRIC, Map.of("service", run));
            List<Sample> both = eventually(() -> prom.query(all, Instant.now()), s -> s.size() == 2);
            assertThat(both)
                    .extracting(s -> s.labels().get("version"), Sample::value)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("1.0.0", (double) first.getEpochSecond()),
                            org.assertj.core.groups.Tuple.tuple("1.1.0", (double) first.getEpochSecond() + 60));
            assertThat(both)
                    .filteredOn(s -> "1.1.0".equals(s.labels().get("version")))
                    .singleElement()
                    .satisfies(s -> assertThat(s.labels())
                            .containsEntry("wave", "canary")
                            .containsEntry("job", "scaleplane")
                            .containsEntry("cluster", "ams-1")
                            .doesNotContainKey("instance"));

            // The same deployment marked again (a retried rollout): its one series takes the new time.
            Instant again = first.plusSeconds(300).plusMillis(500);
            prom.markDeployment(new DeploymentMarker(run, "1.0.0", "production", "ams-1", again, Map.of()));
            String v1 = PromQL.selector(PrometheusProvider.MARKER_METRIC, Map.of("service", run, "version", "1.0.0"));
            eventually(
                    () -> prom.query(v1, Instant.now()),
                    s -> s.size() == 1 && s.get(0).value() != first.getEpochSecond());
            assertThat(prom.query(v1, Instant.now())).singleElement().satisfies(s -> assertThat(s.value())
                    .isEqualTo(again.getEpochSecond() + 0.5));
            assertThat(prom.query(all, Instant.now())).hasSize(2);
        }
    }

    @Test
    void aPushThePushgatewayFindsInconsistentIsRefusedWithItsExplanation() {
        String metric = run + "_kind";
        try (ObservabilityAdapter here = adapter(Map.of(P + "grouping.instance", "here"));
                ObservabilityAdapter there = adapter(Map.of(P + "grouping.instance", "there"))) {
            here.push(List.of(MetricPoint.counter(metric, 1, Map.of())));
            // The same name as a gauge in another group: the Pushgateway keeps one type per name across groups.
            assertThatThrownBy(() -> there.push(List.of(MetricPoint.gauge(metric, 1, Map.of()))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.method()).isEqualTo("POST");
                        assertThat(e.path()).isEqualTo("/metrics/job/scaleplane/instance/there");
                        assertThat(e.serverMessage()).contains(metric).contains("inconsistent");
                    });
        }
    }

    @Test
    void aQueryPrometheusCannotEvaluateIsA422RefusalWithPrometheusText() {
        try (ObservabilityAdapter prom = adapter(Map.of())) {
            assertThatThrownBy(() -> prom.query("count_values(\"a b\", vector(1))", Instant.now()))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.serverMessage()).isEqualTo("invalid label name \"a b\"");
                    });
            assertThatThrownBy(() -> prom.queryRange(
                            "sum((", Instant.now().minusSeconds(60), Instant.now(), Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.serverMessage()).contains("parse error");
                    });
        }
    }

    @Test
    void everyResultTypeIsReadAndALongQueryIsAnsweredAsAForm() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (ObservabilityAdapter prom = adapter(Map.of())) {
            assertThat(prom.query("scalar(vector(2.5))", at)).containsExactly(new Sample(Map.of(), at, 2.5));
            assertThat(prom.query("\"release 1.4\"", at)).singleElement().satisfies(s -> {
                assertThat(s.labels()).containsExactly(Map.entry("string", "release 1.4"));
                assertThat(s.value()).isNaN();
            });
            assertThat(prom.query("vector(1) / 0", at)).singleElement().satisfies(s -> assertThat(s.value())
                    .isInfinite());
            // A range selector (here of a subquery) is a matrix: one sample per point.
            List<Sample> points = prom.query("vector(7)[10s:5s]", at);
            assertThat(points).hasSizeBetween(2, 3).allSatisfy(s -> assertThat(s.value())
                    .isEqualTo(7));
            // Over 2048 characters of parameters: sent as a form, answered as the short query would be.
            String sum = IntStream.range(0, 300).mapToObj(i -> "vector(1)").collect(Collectors.joining(" + "));
            assertThat(sum.length()).isGreaterThan(2048);
            assertThat(prom.query(sum, at)).singleElement().satisfies(s -> assertThat(s.value())
                    .isEqualTo(300));
            assertThat(prom.queryRange(sum, at.minusSeconds(20), at, Duration.ofSeconds(10)))
                    .singleElement()
                    .satisfies(s ->
                            assertThat(s.points()).extracting(p -> p.value()).containsExactly(300.0, 300.0, 300.0));
        }
    }
}
