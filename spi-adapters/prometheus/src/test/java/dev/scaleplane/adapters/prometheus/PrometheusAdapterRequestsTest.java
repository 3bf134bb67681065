package dev.scaleplane.adapters.prometheus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.prometheus.internal.PrometheusSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the adapter sends, against WireMock stubs answering in the shapes of
 * prometheus.io/docs/prometheus/latest/querying/api (query results, error bodies) and of the Pushgateway's README (push
 * paths, text format, its text refusals): method, path, query, headers, body; error mapping; retries; settings. Two
 * WireMock servers stand in for the Prometheus server and the Pushgateway, so that each one's credential is seen where
 * it belongs.
 */
class PrometheusAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.prom.";
    private static final String TOKEN = "prom-REQUESTS-0000-secretvalue";
    private static final String PUSH_PASSWORD = "pushgw-REQUESTS-0000-secretpassword";
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00.123Z");

    private WireMockServer prometheus;
    private WireMockServer pushgateway;

    @BeforeEach
    void start() {
        prometheus = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        prometheus.start();
        pushgateway = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        pushgateway.start();
    }

    @AfterEach
    void stop() {
        prometheus.stop();
        pushgateway.stop();
    }

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "prometheus");
        c.put(P + "base-url", prometheus.baseUrl());
        c.put(P + "pushgateway-url", pushgateway.baseUrl());
        c.put(P + "auth.token", TOKEN);
        c.put(P + "pushgateway.auth.username", "pusher");
        c.put(P + "pushgateway.auth.token", PUSH_PASSWORD);
        c.put(P + "grouping.instance", "host-1");
        return c;
    }

    private static ObservabilityAdapter adapter(TestContext context) {
        return new PrometheusProvider().create("prom", context.context());
    }

    private ObservabilityAdapter adapter() {
        return adapter(new TestContext(config()));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message + "\"}");
    }

    /** The instant query example of the API documentation, two series of {@code up}. */
    private static final String VECTOR = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"prometheus\",\"instance\":\"localhost:9090\"},"
            + "\"value\":[1435781451.781,\"1\"]},"
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"node\",\"instance\":\"localhost:9100\"},"
            + "\"value\":[1435781451.781,\"NaN\"]}]}}";

    /** The range query example of the API documentation. */
    private static final String MATRIX = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"prometheus\",\"instance\":\"localhost:9090\"},"
            + "\"values\":[[1435781430.781,\"1\"],[1435781445.781,\"1\"],[1435781460.781,\"1\"]]},"
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"node\",\"instance\":\"localhost:9091\"},"
            + "\"values\":[[1435781430.781,\"0\"],[1435781445.781,\"+Inf\"],[1435781460.781,\"-Inf\"]]}]},"
            + "\"warnings\":[\"a warning the result still stands with\"]}";

    // ---- queries ----

    @Test
    void anInstantQueryIsAGetWithQueryAndTimeAndItsVectorBecomesSamples() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("up{job=~\"prometheus|node\"}"))
                .withQueryParam("time", equalTo("1772359200.123"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("scaleplane-adapters-prometheus"))
                .willReturn(okJson(VECTOR)));
        try (ObservabilityAdapter prom = adapter()) {
            List<Sample> samples = prom.query("up{job=~\"prometheus|node\"}", AT);
            Instant t = Instant.parse("2015-07-01T20:10:51.781Z");
            assertThat(samples)
                    .containsExactly(
                            new Sample(
                                    Map.of("__name__", "up", "job", "prometheus", "instance", "localhost:9090"), t, 1),
                            new Sample(
                                    Map.of("__name__", "up", "job", "node", "instance", "localhost:9100"),
                                    t,
                                    Double.NaN));
        }
        LoggedRequest request = prometheus.getAllServeEvents().get(0).getRequest();
        assertThat(request.getUrl())
                .isEqualTo("/api/v1/query?query=up%7Bjob%3D%7E%22prometheus%7Cnode%22%7D&time=1772359200.123");
        assertThat(request.getBody()).isEmpty();
        assertThat(pushgateway.getAllServeEvents()).isEmpty();
    }

    @Test
    void aRangeQueryIsAGetWithStartEndAndStepAndItsMatrixBecomesSeries() {
        prometheus.stubFor(get(urlPathEqualTo("/prom/api/v1/query_range")).willReturn(okJson(MATRIX)));
        Map<String, String> c = config();
        // Prometheus behind a proxy, under a path, with basic auth.
        c.put(P + "base-url", prometheus.baseUrl() + "/prom/");
        c.put(P + "auth.username", "reader");
        try (ObservabilityAdapter prom = adapter(new TestContext(c))) {
            List<Series> series = prom.queryRange(
                    "up", AT.minusSeconds(30), AT, Duration.ofSeconds(15).plusMillis(500));
            assertThat(series).hasSize(2);
            assertThat(series.get(0).labels())
                    .containsExactly(
                            Map.entry("__name__", "up"),
                            Map.entry("instance", "localhost:9090"),
                            Map.entry("job", "prometheus"));
            assertThat(series.get(1).points())
                    .containsExactly(
                            new Series.Point(Instant.parse("2015-07-01T20:10:30.781Z"), 0),
                            new Series.Point(Instant.parse("2015-07-01T20:10:45.781Z"), Double.POSITIVE_INFINITY),
                            new Series.Point(Instant.parse("2015-07-01T20:11:00.781Z"), Double.NEGATIVE_INFINITY));
        }
        prometheus.verify(getRequestedFor(urlEqualTo(
                        "/prom/api/v1/query_range?query=up&start=1772359170.123&end=1772359200.123&step=15.5"))
                .withHeader("Authorization", equalTo(basic("reader", TOKEN))));
    }

    @Test
    void scalarStringAndRangeSelectorResultsBecomeSamples() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("scalar(up)"))
                .willReturn(okJson("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                        + "\"result\":[1435781451.781,\"2.5\"]}}")));
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("\"v1\""))
                .willReturn(okJson("{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
                        + "\"result\":[1435781451.781,\"v1\"]}}")));
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("up[30s]"))
                .willReturn(okJson(MATRIX)));
        Instant t = Instant.parse("2015-07-01T20:10:51.781Z");
        try (ObservabilityAdapter prom = adapter()) {
            assertThat(prom.query("scalar(up)", AT)).containsExactly(new Sample(Map.of(), t, 2.5));
            assertThat(prom.query("\"v1\"", AT)).containsExactly(new Sample(Map.of("string", "v1"), t, Double.NaN));
            List<Sample> points = prom.query("up[30s]", AT);
            assertThat(points).hasSize(6);
            assertThat(points.get(5).labels()).containsEntry("instance", "localhost:9091");
            assertThat(points.get(5).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        }
    }

    @Test
    void nativeHistogramSamplesAreRefusedNamingTheFunctionsThatReadThem() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .willReturn(okJson("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":{\"__name__\":\"rpc_seconds\"},\"histogram\":[1435781451.781,"
                        + "{\"count\":\"4\",\"sum\":\"0.5\",\"buckets\":[[0,\"0.1\",\"0.2\",\"4\"]]}]}]}}")));
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.query("rpc_seconds", AT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("native histogram")
                    .hasMessageContaining("histogram_quantile()");
        }
    }

    @Test
    void aLongQueryIsAFormEncodedPostRetriedOnA5xxAsAGetWouldBe() {
        String query =
                IntStream.range(0, 300).mapToObj(i -> "vector(" + i + ")").collect(Collectors.joining(" + "));
        prometheus.stubFor(post("/api/v1/query")
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502).withBody("Bad Gateway"))
                .willSetStateTo("up"));
        prometheus.stubFor(post("/api/v1/query")
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(okJson(VECTOR)));
        TestContext context = new TestContext(config());
        try (ObservabilityAdapter prom = adapter(context)) {
            assertThat(prom.query(query, AT)).hasSize(2);
        }
        List<LoggedRequest> posts = prometheus.findAll(postRequestedFor(urlEqualTo("/api/v1/query")));
        assertThat(posts).hasSize(2);
        LoggedRequest post = posts.get(0);
        assertThat(post.getHeader("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=UTF-8");
        assertThat(post.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        Map<String, String> form = List.of(post.getBodyAsString().split("&")).stream()
                .map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
        assertThat(form).containsExactly(Map.entry("query", query), Map.entry("time", "1772359200.123"));
        assertThat(context.waits).hasSize(1);
    }

    @Test
    void badDataIsA400RefusalCarryingPrometheusErrorTextNotRetried() {
        String message = "invalid parameter \\\"query\\\": 1:6: parse error: unclosed left parenthesis";
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(error(400, "bad_data", message)));
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.query("sum((", AT))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.system()).isEqualTo("prometheus");
                        assertThat(e.path()).isEqualTo("/api/v1/query");
                        assertThat(e.serverMessage())
                                .isEqualTo("invalid parameter \"query\": 1:6: parse error: unclosed left parenthesis");
                        assertThat(e.getMessage()).contains("prometheus (prom) GET /api/v1/query: HTTP 400");
                    });
        }
        prometheus.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    @Test
    void anExecutionErrorIsA422RefusalCarryingPrometheusErrorText() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query_range"))
                .willReturn(error(422, "execution", "invalid regular expression in label_replace(): (")));
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.queryRange(
                            "label_replace(up, \"a\", \"$1\", \"b\", \"(\")",
                            AT.minusSeconds(60),
                            AT,
                            Duration.ofSeconds(15)))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.serverMessage()).isEqualTo("invalid regular expression in label_replace(): (");
                    });
        }
        prometheus.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/query_range")));
    }

    @Test
    void a503TimeoutIsRetriedOnGetThenAnsweredAndWhenItLastsIsUnavailableWithPrometheusText() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("up"))
                .inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(503, "timeout", "query timed out in expression evaluation"))
                .willSetStateTo("free"));
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("up"))
                .inScenario("busy")
                .whenScenarioStateIs("free")
                .willReturn(okJson(VECTOR)));
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("slow"))
                .willReturn(error(503, "timeout", "query timed out in expression evaluation")));
        TestContext context = new TestContext(config());
        try (ObservabilityAdapter prom = adapter(context)) {
            assertThat(prom.query("up", AT)).hasSize(2);
            assertThat(context.waits)
                    .as("one backoff before the second attempt")
                    .hasSize(1);
            assertThatThrownBy(() -> prom.query("slow", AT))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.serverMessage()).isEqualTo("query timed out in expression evaluation");
                    });
        }
        prometheus.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/query")).withQueryParam("query", equalTo("up")));
        // max-attempts (3) in all.
        prometheus.verify(3, getRequestedFor(urlPathEqualTo("/api/v1/query")).withQueryParam("query", equalTo("slow")));
    }

    @Test
    void anAnswerThatIsNotAPrometheusOneIsAnAdapterExceptionNamingTheBaseUrl() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html>Sign in</html>")));
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.query("up", AT)).isInstanceOfSatisfying(AdapterException.class, e -> {
                assertThat(e.status()).isEqualTo(200);
                assertThat(e.getMessage())
                        .contains("not a Prometheus query answer")
                        .contains("base-url");
            });
        }
    }

    @Test
    void badArgumentsFailBeforeAnyRequest() {
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.query(" ", AT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> prom.queryRange("up", AT, AT.minusSeconds(1), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("before start");
            assertThatThrownBy(() -> prom.queryRange("up", AT.minusSeconds(60), AT, Duration.ofNanos(999_999)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("step");
        }
        assertThat(prometheus.getAllServeEvents()).isEmpty();
    }

    // ---- pushes ----

    @Test
    void aPushPostsTheTextFormatToTheGroupingKeyWithThePushgatewaysCredential() {
        pushgateway.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        try (ObservabilityAdapter prom = adapter()) {
            prom.push(List.of(
                    MetricPoint.counter("deploys_total", 12, Map.of("service", "checkout", "result", "ok")),
                    MetricPoint.gauge("queue_depth", 42.5, Map.of("queue", "say \"hi\"\\C:\\\nnext")),
                    MetricPoint.counter("deploys_total", 1, Map.of("service", "checkout", "result", "failed")),
                    MetricPoint.gauge("ratio", Double.NaN, Map.of()),
                    new MetricPoint(
                            "big", MetricPoint.Kind.GAUGE, Double.NEGATIVE_INFINITY, Map.of(), AT.minusSeconds(5))));
        }
        LoggedRequest push = pushgateway.getAllServeEvents().get(0).getRequest();
        assertThat(push.getMethod().getName()).isEqualTo("POST");
        assertThat(push.getUrl()).isEqualTo("/metrics/job/scaleplane/instance/host-1");
        assertThat(push.getHeader("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(push.getHeader("Authorization")).isEqualTo(basic("pusher", PUSH_PASSWORD));
        // One TYPE line per name, its series after it; escaped label values; no timestamps (the Pushgateway refuses
        // them), so the last point's time is not sent.
        assertThat(push.getBodyAsString())
                .isEqualTo("# TYPE deploys_total counter\n"
                        + "deploys_total{result=\"ok\",service=\"checkout\"} 12.0\n"
                        + "deploys_total{result=\"failed\",service=\"checkout\"} 1.0\n"
                        + "# TYPE queue_depth gauge\n"
                        + "queue_depth{queue=\"say \\\"hi\\\"\\\\C:\\\\\\nnext\"} 42.5\n"
                        + "# TYPE ratio gauge\n"
                        + "ratio NaN\n"
                        + "# TYPE big gauge\n"
                        + "big -Inf\n");
        assertThat(pushgateway.getAllServeEvents()).hasSize(1);
        assertThat(prometheus.getAllServeEvents()).isEmpty();
    }

    @Test
    void groupingValuesAPathCannotCarryAreBase64AndOthersPercentEncoded() {
        pushgateway.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        Map<String, String> c = config();
        c.put(P + "job", "batch/nightly");
        c.put(P + "grouping.instance", "");
        c.put(P + "grouping.path", "/var/tmp");
        c.put(P + "grouping.dot", "..");
        c.put(P + "grouping.titan", "Προμηθεύς x");
        try (ObservabilityAdapter prom = adapter(new TestContext(c))) {
            prom.push(List.of(MetricPoint.gauge("g", 1, Map.of())));
            prom.markDeployment(new DeploymentMarker("checkout", "1.4.2", null, null, AT, Map.of("note", "")));
        }
        List<String> urls = pushgateway.getAllServeEvents().stream()
                .map(e -> e.getRequest().getUrl())
                .collect(Collectors.toList());
        // job batch/nightly = YmF0Y2gvbmlnaHRseQ, /var/tmp = L3Zhci90bXA, .. = Li4; an empty value is "=" (%3D);
        // an empty grouping.instance leaves instance out.
        assertThat(urls)
                .containsExactlyInAnyOrder(
                        "/metrics/job@base64/YmF0Y2gvbmlnaHRseQ/dot@base64/Li4/path@base64/L3Zhci90bXA/titan/"
                                + "%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82%20x",
                        "/metrics/job@base64/YmF0Y2gvbmlnaHRseQ/note@base64/%3D/service/checkout/version/1.4.2");
    }

    @Test
    void aMarkerIsPutUnderItsOwnLabelsAsTheTimestampGauge() {
        pushgateway.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(200)));
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        try (ObservabilityAdapter prom = adapter()) {
            prom.markDeployment(
                    new DeploymentMarker("checkout", "1.4.2", "production", "ams-1", at, Map.of("wave", "canary")));
            prom.markDeployment(new DeploymentMarker("checkout", "1.4.3", null, null, AT, Map.of()));
        }
        List<LoggedRequest> puts = pushgateway.findAll(putRequestedFor(anyUrl()));
        assertThat(puts).hasSize(2);
        assertThat(puts.get(0).getUrl())
                .isEqualTo("/metrics/job/scaleplane/cluster/ams-1/environment/production/service/checkout/version/1.4.2"
                        + "/wave/canary");
        assertThat(puts.get(0).getHeader("Authorization")).isEqualTo(basic("pusher", PUSH_PASSWORD));
        assertThat(puts.get(0).getBodyAsString())
                .isEqualTo("# TYPE scaleplane_deployment_timestamp_seconds gauge\n"
                        + "scaleplane_deployment_timestamp_seconds 1.7723592E9\n");
        // Another deployment, another group: no instance label, the fraction of a second kept.
        assertThat(puts.get(1).getUrl()).isEqualTo("/metrics/job/scaleplane/service/checkout/version/1.4.3");
        assertThat(puts.get(1).getBodyAsString())
                .endsWith("scaleplane_deployment_timestamp_seconds 1.772359200123E9\n");
    }

    @Test
    void aPushIsNotRetriedOnA5xxAndThePushgatewaysRefusalCarriesItsText() {
        pushgateway.stubFor(post("/metrics/job/scaleplane/instance/host-1")
                .withRequestBody(equalTo("# TYPE a gauge\na 1.0\n"))
                .willReturn(aResponse().withStatus(500).withBody("internal error")));
        pushgateway.stubFor(post("/metrics/job/scaleplane/instance/host-1")
                .withRequestBody(equalTo("# TYPE b gauge\nb 1.0\n"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "text/plain; charset=utf-8")
                        .withBody("pushed metrics are invalid or inconsistent with existing metrics: collected metric"
                                + " \"b\" { gauge:<value:1 > } is not a COUNTER\n")));
        TestContext context = new TestContext(config());
        try (ObservabilityAdapter prom = adapter(context)) {
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("a", 1, Map.of()))))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).isEqualTo("internal error");
                    });
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("b", 1, Map.of()))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.serverMessage()).contains("inconsistent").contains("is not a COUNTER");
                    });
        }
        pushgateway.verify(1, postRequestedFor(anyUrl()).withRequestBody(equalTo("# TYPE a gauge\na 1.0\n")));
        assertThat(context.waits).isEmpty();
    }

    @Test
    void pointsThePushgatewayWouldChangeOrRefuseFailBeforeAnyRequest() {
        try (ObservabilityAdapter prom = adapter()) {
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("g", 1, Map.of("instance", "other")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instance")
                    .hasMessageContaining("grouping key");
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("g", 1, Map.of("job", "other")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("job");
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("g", 1, Map.of("__meta", "x")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved");
            assertThatThrownBy(() -> prom.push(
                            List.of(MetricPoint.gauge("g", 1, Map.of()), MetricPoint.counter("g", 1, Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("both as a gauge and as a counter");
            assertThatThrownBy(() -> prom.push(List.of(
                            MetricPoint.gauge("g", 1, Map.of("a", "1")), MetricPoint.gauge("g", 2, Map.of("a", "1")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> prom.markDeployment(
                            new DeploymentMarker("checkout", "1", null, null, AT, Map.of("job", "deploy"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("attribute job");
            // Nothing to push: nothing sent.
            prom.push(List.of());
        }
        assertThat(pushgateway.getAllServeEvents()).isEmpty();
    }

    // ---- capabilities ----

    @Test
    void annotationsAreRefusedNamingTheCapabilityAndNothingIsSent() {
        try (ObservabilityAdapter prom = adapter()) {
            assertThat(prom.capabilities())
                    .containsExactlyInAnyOrder(
                            ObservabilityCapability.QUERY,
                            ObservabilityCapability.PUSH,
                            ObservabilityCapability.DEPLOYMENT_MARKERS);
            assertThatThrownBy(() -> prom.annotate(Annotation.of("rollout", AT, Set.of("deployment"))))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("ANNOTATIONS")
                    .hasMessageContaining("no annotations API");
            assertThatThrownBy(() -> prom.annotations(new AnnotationQuery(Set.of(), AT.minusSeconds(60), AT, 10)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("ANNOTATIONS");
        }
        assertThat(prometheus.getAllServeEvents()).isEmpty();
        assertThat(pushgateway.getAllServeEvents()).isEmpty();
    }

    @Test
    void withoutAPushgatewayTheInstanceOnlyQueriesAndSaysWhichKeyIsMissing() {
        Map<String, String> c = config();
        c.remove(P + "pushgateway-url");
        c.remove(P + "pushgateway.auth.username");
        c.remove(P + "pushgateway.auth.token");
        try (ObservabilityAdapter prom = adapter(new TestContext(c))) {
            assertThat(prom.capabilities()).containsExactly(ObservabilityCapability.QUERY);
            assertThatThrownBy(() -> prom.push(List.of(MetricPoint.gauge("g", 1, Map.of()))))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("PUSH")
                    .hasMessageContaining("scaleplane.adapters.prom.pushgateway-url");
            assertThatThrownBy(() -> prom.markDeployment(new DeploymentMarker("s", "1", null, null, AT, Map.of())))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("DEPLOYMENT_MARKERS");
        }
    }

    // ---- credentials ----

    @Test
    void a401FailsAtOnceWithTheTokenInNeitherTheMessageNorTheLogs() {
        prometheus.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .willReturn(aResponse().withStatus(401).withBody("Unauthorized\n")));
        AdapterAuthenticationException[] thrown = new AdapterAuthenticationException[1];
        String logs;
        try (ObservabilityAdapter prom = adapter()) {
            logs = CapturedOutput.of(() -> {
                try {
                    prom.query("up", AT);
                } catch (AdapterAuthenticationException e) {
                    thrown[0] = e;
                }
            });
        }
        assertThat(thrown[0]).isNotNull();
        assertThat(thrown[0].status()).isEqualTo(401);
        assertThat(thrown[0].serverMessage()).isEqualTo("Unauthorized");
        assertThat(thrown[0].getMessage()).contains("prometheus").doesNotContain(TOKEN);
        assertThat(logs).contains("Authorization: ****").contains("401").doesNotContain(TOKEN);
        prometheus.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutPushgatewayAuthKeysThePushgatewayGetsThePrometheusCredential() {
        pushgateway.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        Map<String, String> c = config();
        c.remove(P + "pushgateway.auth.username");
        c.remove(P + "pushgateway.auth.token");
        try (ObservabilityAdapter prom = adapter(new TestContext(c))) {
            prom.push(List.of(MetricPoint.gauge("g", 1, Map.of())));
        }
        pushgateway.verify(postRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer " + TOKEN)));

        Map<String, String> none = config();
        none.put(P + "pushgateway.auth.type", "none");
        none.remove(P + "pushgateway.auth.username");
        none.remove(P + "pushgateway.auth.token");
        pushgateway.resetRequests();
        try (ObservabilityAdapter prom = adapter(new TestContext(none))) {
            prom.push(List.of(MetricPoint.gauge("g", 1, Map.of())));
        }
        pushgateway.verify(postRequestedFor(anyUrl()).withHeader("Authorization", absent()));
    }

    // ---- settings ----

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithSecretsRedacted() {
        Map<String, String> c = Map.of(
                P + "type", "prometheus",
                P + "base-url", "ftp://prometheus.example.com",
                P + "pushgateway-url", "pushgateway:9091",
                P + "auth.type", "api-key",
                P + "auth.token", TOKEN,
                P + "pushgateway.auth.type", "basic",
                P + "pushgateway.auth.token", PUSH_PASSWORD,
                P + "job", " ",
                P + "grouping.job", "x",
                P + "request-timeout", "soon");
        assertThatThrownBy(() -> new PrometheusProvider().validate("prom", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "base-url",
                                    P + "pushgateway-url",
                                    P + "auth.type",
                                    P + "pushgateway.auth.username",
                                    P + "job",
                                    P + "grouping.job",
                                    P + "request-timeout");
                    assertThat(e.getMessage())
                            .contains("bearer")
                            .doesNotContain(TOKEN)
                            .doesNotContain(PUSH_PASSWORD);
                });

        assertThatThrownBy(() -> new PrometheusProvider().validate("prom", new TestContext(Map.of()).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(problem -> assertThat(problem.key()).isEqualTo(P + "base-url")));
        Map<String, String> authWithoutGateway =
                Map.of(P + "base-url", "http://prometheus:9090", P + "pushgateway.auth.token", PUSH_PASSWORD);
        assertThatThrownBy(
                        () -> new PrometheusProvider().validate("prom", new TestContext(authWithoutGateway).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly(P + "pushgateway.auth.type"));
    }

    @Test
    void defaultsAndTheServiceLoaderRegistration() {
        PrometheusSettings settings = PrometheusSettings.read(
                "prom",
                new TestContext(Map.of(P + "base-url", "http://prometheus:9090", P + "auth.token", TOKEN)).config());
        assertThat(settings.job()).isEqualTo("scaleplane");
        assertThat(settings.grouping()).containsOnlyKeys("instance");
        assertThat(settings.grouping().get("instance")).isNotBlank();
        assertThat(settings.canPush()).isFalse();
        assertThat(settings.prometheus().authType())
                .isEqualTo(dev.scaleplane.adapters.http.AdapterSettings.AuthType.BEARER);
        assertThat(settings.prometheus().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.toString()).doesNotContain(TOKEN);
        assertThat(ServiceLoader.load(ObservabilityAdapterProvider.class).stream()
                        .map(ServiceLoader.Provider::get))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(PrometheusProvider.class);
                    assertThat(p.name()).isEqualTo("prometheus");
                    assertThat(p.capabilities()).doesNotContain(ObservabilityCapability.ANNOTATIONS);
                });
    }
}
