package dev.scaleplane.adapters.datadog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.datadog.internal.DatadogSettings;
import dev.scaleplane.adapters.datadog.internal.DatadogSite;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
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
 * The exact requests the adapter sends, against WireMock stubs in the shapes of Datadog's API reference ("Submit
 * metrics" v2, "Query timeseries points", "Post an event", "Get a list of events", "Rate Limits"): method, path,
 * query, both keys, JSON bodies; and what the kit does not cover: the answers' mapping, paging of events, the governor
 * on {@code X-RateLimit-Remaining: 0} per budget, a 429, 5xx on reads, on the idempotent series POST and on the event
 * POST, a 403 kept out of the logs, the site to host mapping, and settings.
 */
class DatadogAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.dd.";
    private static final String API_KEY = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private static final String APPLICATION_KEY = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    /** The clock of these tests, so that windows and waits are exact. */
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static final long NOW_S = NOW.getEpochSecond();

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "datadog");
        c.put(P + "base-url", server.baseUrl());
        c.put(P + "auth.api-key", API_KEY);
        c.put(P + "auth.application-key", APPLICATION_KEY);
        return c;
    }

    private TestContext context() {
        return new TestContext(config(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ObservabilityAdapter adapter(TestContext context) {
        return new DatadogProvider().create("dd", context.context());
    }

    private static MappingBuilder withKeys(MappingBuilder b) {
        return b.withHeader("DD-API-KEY", equalTo(API_KEY))
                .withHeader("DD-APPLICATION-KEY", equalTo(APPLICATION_KEY))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("scaleplane-adapters-datadog"));
    }

    private static ResponseDefinitionBuilder accepted(String body) {
        return aResponse()
                .withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private static ResponseDefinitionBuilder errors(int status, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[\"" + message + "\"]}");
    }

    // ---- series submission ----

    @Test
    void pushPostsOneV2PayloadOfGaugesWithNameValueTagsAndPosixSeconds() {
        server.stubFor(withKeys(post("/api/v2/series"))
                .withHeader("Content-Type", equalTo("application/json"))
                .willReturn(accepted("{\"errors\":[]}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            dd.push(List.of(
                    MetricPoint.counter("deploys_total", 5, Map.of("service", "checkout", "env", "prod")),
                    new MetricPoint(
                            "queue_depth",
                            MetricPoint.Kind.GAUGE,
                            42.5,
                            Map.of("queue", "deploys"),
                            NOW.minusSeconds(30)),
                    MetricPoint.gauge("queue_depth", 40, Map.of("queue", "deploys"))));
            dd.push(List.of());
        }
        // A counter's total goes as a gauge (type 3), like every point; one series per metric and label set.
        server.verify(
                1,
                postRequestedFor(urlEqualTo("/api/v2/series"))
                        .withRequestBody(equalToJson("{\"series\":["
                                + "{\"metric\":\"deploys_total\",\"type\":3,\"points\":[{\"timestamp\":" + NOW_S
                                + ",\"value\":5.0}],\"tags\":[\"env:prod\",\"service:checkout\"]},"
                                + "{\"metric\":\"queue_depth\",\"type\":3,\"points\":[{\"timestamp\":" + (NOW_S - 30)
                                + ",\"value\":42.5},{\"timestamp\":" + NOW_S + ",\"value\":40.0}],"
                                + "\"tags\":[\"queue:deploys\"]}]}")));
        assertThat(server.getAllServeEvents()).as("an empty push sends nothing").hasSize(1);
    }

    @Test
    void pointsDatadogWouldDropAndValuesJsonCannotCarryAreRefusedBeforeSending() {
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThatThrownBy(() -> dd.push(List.of(new MetricPoint(
                            "queue_depth", MetricPoint.Kind.GAUGE, 1, Map.of(), NOW.minus(Duration.ofMinutes(61))))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("queue_depth")
                    .hasMessageContaining("one hour ago");
            assertThatThrownBy(() -> dd.push(List.of(new MetricPoint(
                            "queue_depth", MetricPoint.Kind.GAUGE, 1, Map.of(), NOW.plus(Duration.ofMinutes(11))))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> dd.push(List.of(MetricPoint.gauge("ratio", Double.NaN, Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("finite");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void errorsInTheIntakesAcceptedAnswerAreARefusalWithDatadogsMessages() {
        server.stubFor(post("/api/v2/series")
                .willReturn(accepted("{\"errors\":[\"Invalid metric name\",\"Point too old\"]}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThatThrownBy(() -> dd.push(List.of(MetricPoint.gauge("queue_depth", 1, Map.of()))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(202);
                        assertThat(e.serverMessage()).isEqualTo("Invalid metric name; Point too old");
                        assertThat(e.system()).isEqualTo("datadog");
                    });
        }
    }

    @Test
    void theSeriesPostIsRetriedAfterA5xxBecauseGaugePointsAreIdempotentButAnEventPostIsNot() {
        server.stubFor(post("/api/v2/series")
                .inScenario("intake")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(errors(503, "Service Unavailable"))
                .willSetStateTo("up"));
        server.stubFor(post("/api/v2/series")
                .inScenario("intake")
                .whenScenarioStateIs("up")
                .willReturn(accepted("{\"errors\":[]}")));
        server.stubFor(post("/api/v1/events").willReturn(errors(500, "Internal Server Error")));
        TestContext context = context();
        try (ObservabilityAdapter dd = adapter(context)) {
            dd.push(List.of(MetricPoint.gauge("queue_depth", 3, Map.of())));
            assertThatThrownBy(() -> dd.annotate(Annotation.of("rollout", NOW, Set.of("deployment"))))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).contains("Internal Server Error");
                    });
        }
        server.verify(2, postRequestedFor(urlEqualTo("/api/v2/series")));
        server.verify(1, postRequestedFor(urlEqualTo("/api/v1/events")));
        assertThat(context.waits)
                .as("one backoff, before the second series POST")
                .hasSize(1);
    }

    // ---- queries ----

    private static final String QUERY = "avg:queue_depth{env:prod} by {host}";
    private static final String ENCODED_QUERY = "avg%3Aqueue_depth%7Benv%3Aprod%7D+by+%7Bhost%7D";

    /** A query answer in the documented shape (MetricsQueryResponse), two series, with a gap. */
    private static String queryAnswer(long from, long to) {
        return "{\"status\":\"ok\",\"res_type\":\"time_series\",\"query\":\"" + QUERY + "\",\"from_date\":"
                + from * 1000 + ",\"to_date\":" + to * 1000 + ",\"message\":\"\",\"group_by\":[\"host\"],"
                + "\"series\":["
                + "{\"metric\":\"queue_depth\",\"display_name\":\"queue_depth\",\"aggr\":\"avg\","
                + "\"expression\":\"avg:queue_depth{env:prod,host:a}\",\"scope\":\"env:prod,host:a\","
                + "\"tag_set\":[\"host:a\"],\"interval\":20000,\"length\":3,\"start\":1772359140000,"
                + "\"end\":1772359199999,\"unit\":null,\"query_index\":0,"
                + "\"pointlist\":[[1772359160000.0,40.0],[1772359140000.0,38.5],[1772359180000.0,null]]},"
                + "{\"metric\":\"queue_depth\",\"display_name\":\"queue_depth\",\"aggr\":\"avg\","
                + "\"expression\":\"avg:queue_depth{env:prod,host:b}\",\"scope\":\"env:prod,host:b\","
                + "\"tag_set\":[\"host:b\"],\"interval\":20000,\"length\":1,\"start\":1772359180000,"
                + "\"end\":1772359199999,\"unit\":[null,null],\"query_index\":0,"
                + "\"pointlist\":[[1772359180000.0,7.0]]}]}";
    }

    @Test
    void anInstantQueryReadsTheLastPointOfEachSeriesOverTheLookbackWithTheScopeAsLabels() {
        String url = "/api/v1/query?from=" + (NOW_S - 300) + "&to=" + NOW_S + "&query=" + ENCODED_QUERY;
        server.stubFor(withKeys(get(urlEqualTo(url))).willReturn(okJson(queryAnswer(NOW_S - 300, NOW_S))));
        List<Sample> samples;
        try (ObservabilityAdapter dd = adapter(context())) {
            samples = dd.query(QUERY, NOW);
        }
        assertThat(samples).hasSize(2);
        // host a: its last point that has a value (the null at :40 is a gap), not the last in the list.
        assertThat(samples.get(0).labels()).isEqualTo(Map.of("env", "prod", "host", "a"));
        assertThat(samples.get(0).at()).isEqualTo(Instant.ofEpochMilli(1772359160000L));
        assertThat(samples.get(0).value()).isEqualTo(40.0);
        assertThat(samples.get(1).labels()).isEqualTo(Map.of("env", "prod", "host", "b"));
        assertThat(samples.get(1).value()).isEqualTo(7.0);
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    @Test
    void aRangeQuerySendsTheWindowInWholeSecondsLeavesTheQueryAsItIsAndSortsThePoints() {
        Instant start = NOW.minusSeconds(60).plusMillis(400);
        Instant end = NOW.minusMillis(1);
        // from rounds down, to rounds up: the window is never narrower than asked; the step is not sent.
        String url = "/api/v1/query?from=" + (NOW_S - 60) + "&to=" + NOW_S + "&query=" + ENCODED_QUERY;
        server.stubFor(withKeys(get(urlEqualTo(url))).willReturn(okJson(queryAnswer(NOW_S - 60, NOW_S))));
        List<Series> series;
        try (ObservabilityAdapter dd = adapter(context())) {
            series = dd.queryRange(QUERY, start, end, Duration.ofSeconds(20));
            assertThatThrownBy(() -> dd.queryRange(QUERY, end, start, Duration.ofSeconds(20)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("before");
            assertThatThrownBy(() -> dd.queryRange(QUERY, start, end, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("step");
            assertThatThrownBy(() -> dd.query(" ", NOW)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(series).hasSize(2);
        assertThat(series.get(0).labels()).containsEntry("host", "a");
        assertThat(series.get(0).points())
                .containsExactly(
                        new Series.Point(Instant.ofEpochMilli(1772359140000L), 38.5),
                        new Series.Point(Instant.ofEpochMilli(1772359160000L), 40.0));
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void aQueryDatadogCannotParseIsARefusalCarryingItsExplanationEitherWayDatadogSaysIt() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("sum(("))
                .willReturn(errors(400, "Error parsing query: unable to parse sum((: Rule 'scope_expr' didn't match")));
        // MetricsQueryResponse documents an error field "if status is not ok": read as a refusal too.
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .withQueryParam("query", equalTo("avg:no.such.function(x{*})"))
                .willReturn(okJson("{\"status\":\"error\",\"res_type\":\"time_series\",\"series\":[],"
                        + "\"error\":\"Unknown function: no.such.function\"}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThatThrownBy(() -> dd.query("sum((", NOW))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.serverMessage()).contains("Error parsing query");
                        assertThat(e.getMessage()).contains("datadog");
                    });
            assertThatThrownBy(() -> dd.query("avg:no.such.function(x{*})", NOW))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("Unknown function: no.such.function"));
        }
        // Refusals are not retried.
        server.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    // ---- events ----

    private static final String EVENT_ID = "7891234567890123456";

    private static String event(String id, long happened, String text, String... tags) {
        String t = java.util.Arrays.stream(tags).map(x -> "\"" + x + "\"").collect(Collectors.joining(","));
        return "{\"alert_type\":\"info\",\"date_happened\":" + happened + ",\"device_name\":null,\"host\":null,"
                + "\"id\":" + id + ",\"id_str\":\"" + id + "\",\"payload\":\"{}\",\"priority\":\"normal\","
                + "\"source_type_name\":null,\"tags\":[" + t + "],\"text\":\"" + text + "\",\"title\":\"" + text
                + "\",\"url\":\"/event/event?id=" + id + "\"}";
    }

    @Test
    void annotatePostsTitleTextPosixSecondsAndSortedTagsKeepingTheExactStartAndEndInTwoTags() {
        Instant start = NOW.minusSeconds(120).plusMillis(250);
        server.stubFor(withKeys(post("/api/v1/events"))
                .withHeader("Content-Type", equalTo("application/json"))
                .willReturn(accepted("{\"status\":\"ok\",\"event\":"
                        + event(
                                EVENT_ID,
                                NOW_S - 120,
                                "rollout",
                                "deployment",
                                "service:checkout",
                                "scaleplane.start_ms:" + start.toEpochMilli(),
                                "scaleplane.end_ms:" + start.plusSeconds(60).toEpochMilli())
                        + "}")));
        Annotation made;
        try (ObservabilityAdapter dd = adapter(context())) {
            made = dd.annotate(Annotation.span(
                    "rollout of checkout 1.4.2\nwave 2 of 3, canary first",
                    start,
                    start.plusSeconds(60),
                    Set.of("service:checkout", "deployment")));
        }
        server.verify(postRequestedFor(urlEqualTo("/api/v1/events"))
                .withRequestBody(equalToJson("{\"title\":\"rollout of checkout 1.4.2\","
                        + "\"text\":\"rollout of checkout 1.4.2\\nwave 2 of 3, canary first\","
                        + "\"date_happened\":" + (NOW_S - 120) + ","
                        + "\"tags\":[\"deployment\",\"service:checkout\",\"scaleplane.start_ms:"
                        + start.toEpochMilli() + "\",\"scaleplane.end_ms:"
                        + start.plusSeconds(60).toEpochMilli()
                        + "\"]}")));
        assertThat(made.id()).isEqualTo(EVENT_ID);
        assertThat(made.start()).isEqualTo(start);
        assertThat(made.end()).isEqualTo(start.plusSeconds(60));
        assertThat(made.tags())
                .as("the timing tags stay hidden")
                .containsExactlyInAnyOrder("deployment", "service:checkout");
    }

    @Test
    void anAnnotationOnADashboardOrWithoutTextIsRefusedBeforeSending() {
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThatThrownBy(() ->
                            dd.annotate(Annotation.of("rollout", NOW, Set.of()).on("deploys", 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dashboard deploys");
            assertThatThrownBy(() -> dd.annotate(Annotation.of(" ", NOW, Set.of())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("text");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void annotationsAskForAnyOfTheTagsAndKeepTheEventsCarryingAllOfThemInTheWindowNewestFirst() {
        Instant from = NOW.minusSeconds(600).plusMillis(500);
        Instant to = NOW.minusMillis(500);
        String url = "/api/v1/events?start=" + (NOW_S - 600) + "&end=" + NOW_S
                + "&tags=deployment%2Cservice%3Acheckout&unaggregated=true";
        long spanStart = (NOW_S - 900) * 1000;
        server.stubFor(withKeys(get(urlEqualTo(url)))
                .willReturn(okJson("{\"status\":\"ok\",\"events\":["
                        + event("104", NOW_S - 60, "checkout 1.4.3 deployed", "deployment", "service:checkout")
                        + "," + event("103", NOW_S - 100, "payments 2.0 deployed", "deployment", "service:payments")
                        + "," + event("102", NOW_S - 200, "checkout cache flushed", "service:checkout")
                        + ","
                        + event(
                                "101",
                                NOW_S - 300,
                                "checkout 1.4.2 deployed",
                                "deployment",
                                "Service:Checkout",
                                "scaleplane.start_ms:" + ((NOW_S - 300) * 1000 + 250),
                                "scaleplane.end_ms:" + ((NOW_S - 240) * 1000))
                        // its start (by its tag) is outside the window: Datadog's seconds are not the exact window
                        + ","
                        + event(
                                "100",
                                NOW_S - 600,
                                "checkout 1.4.1 deployed",
                                "deployment",
                                "service:checkout",
                                "scaleplane.start_ms:" + ((NOW_S - 600) * 1000 + 100))
                        + "," + event("99", spanStart / 1000, "odd", "deployment", "service:checkout")
                        + "]}")));
        List<Annotation> found;
        try (ObservabilityAdapter dd = adapter(context())) {
            found = dd.annotations(new AnnotationQuery(Set.of("service:checkout", "deployment"), from, to, 10));
        }
        assertThat(found).extracting(Annotation::id).containsExactly("104", "101");
        Annotation span = found.get(1);
        assertThat(span.start()).isEqualTo(Instant.ofEpochMilli((NOW_S - 300) * 1000 + 250));
        assertThat(span.end()).isEqualTo(Instant.ofEpochSecond(NOW_S - 240));
        assertThat(span.text()).isEqualTo("checkout 1.4.2 deployed");
        assertThat(span.tags()).containsExactlyInAnyOrder("deployment", "Service:Checkout");
        assertThat(found.get(0).end()).isNull();
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/events")));
    }

    @Test
    void furtherPagesAreReadOnlyWhileAPageIsFullAndTooFewMatched() {
        String first = "/api/v1/events?start=" + (NOW_S - 3600) + "&end=" + NOW_S
                + "&tags=deployment%2Cservice%3Acheckout&unaggregated=true";
        String full = IntStream.range(0, 1000)
                .mapToObj(i -> event(String.valueOf(5000 - i), NOW_S - 10 - i, "payments", "deployment"))
                .collect(Collectors.joining(",", "{\"status\":\"ok\",\"events\":[", "]}"));
        server.stubFor(get(urlEqualTo(first)).willReturn(okJson(full)));
        server.stubFor(get(urlEqualTo(first + "&page=1"))
                .willReturn(okJson("{\"status\":\"ok\",\"events\":["
                        + event("3999", NOW_S - 1500, "checkout 1.4.2 deployed", "deployment", "service:checkout")
                        + "]}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThat(dd.annotations(new AnnotationQuery(
                            Set.of("deployment", "service:checkout"), NOW.minusSeconds(3600), NOW, 5)))
                    .extracting(Annotation::id)
                    .containsExactly("3999");
        }
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/api/v1/events"))))
                .extracting(LoggedRequest::getUrl)
                .containsExactly(first, first + "&page=1");
    }

    @Test
    void aMarkerIsAnEventTitledAfterTheDeploymentAtItsSecondTaggedAsEveryAdapterTagsMarkers() {
        server.stubFor(post("/api/v1/events")
                .willReturn(accepted("{\"status\":\"ok\",\"event\":"
                        + event(EVENT_ID, NOW_S, "checkout 1.4.2 deployed to production/ams-1") + "}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            dd.markDeployment(
                    new DeploymentMarker("checkout", "1.4.2", "production", "ams-1", NOW, Map.of("wave", "2")));
        }
        server.verify(postRequestedFor(urlEqualTo("/api/v1/events"))
                .withRequestBody(equalToJson("{\"title\":\"checkout 1.4.2 deployed to production/ams-1\","
                        + "\"text\":\"checkout 1.4.2 deployed to production/ams-1\",\"date_happened\":" + NOW_S + ","
                        + "\"tags\":[\"cluster:ams-1\",\"deployment\",\"environment:production\","
                        + "\"service:checkout\",\"version:1.4.2\",\"wave:2\"]}")));
    }

    // ---- failures and limits, through the plumbing ----

    @Test
    void a403FailsAtOnceWithNeitherKeyInTheMessageOrTheLogs() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(errors(403, "Forbidden")));
        AdapterAuthenticationException[] thrown = new AdapterAuthenticationException[1];
        String logs;
        try (ObservabilityAdapter dd = adapter(context())) {
            logs = CapturedOutput.of(() -> {
                try {
                    dd.query("avg:queue_depth{*}", NOW);
                } catch (AdapterAuthenticationException e) {
                    thrown[0] = e;
                }
            });
        }
        assertThat(thrown[0]).isNotNull();
        assertThat(thrown[0].status()).isEqualTo(403);
        assertThat(thrown[0].system()).isEqualTo("datadog");
        assertThat(thrown[0].serverMessage()).contains("Forbidden");
        assertThat(thrown[0].getMessage())
                .contains("datadog")
                .doesNotContain(API_KEY)
                .doesNotContain(APPLICATION_KEY);
        // The request was logged, both keys masked.
        assertThat(logs)
                .contains("DD-API-KEY: ****")
                .contains("DD-APPLICATION-KEY: ****")
                .contains("403")
                .doesNotContain(API_KEY)
                .doesNotContain(APPLICATION_KEY);
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    @Test
    void theGovernorWaitsOnRemainingZeroUntilTheResetForThatBudgetOnly() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .willReturn(okJson("{\"status\":\"ok\",\"res_type\":\"time_series\",\"series\":[]}")
                        .withHeader("X-RateLimit-Limit", "1600")
                        .withHeader("X-RateLimit-Period", "3600")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", "7")
                        .withHeader("X-RateLimit-Name", "metrics_query")));
        server.stubFor(get(urlPathEqualTo("/api/v1/events"))
                .willReturn(okJson("{\"status\":\"ok\",\"events\":[]}")
                        .withHeader("X-RateLimit-Limit", "1000")
                        .withHeader("X-RateLimit-Period", "60")
                        .withHeader("X-RateLimit-Remaining", "999")
                        .withHeader("X-RateLimit-Reset", "60")));
        TestContext context = context();
        try (ObservabilityAdapter dd = adapter(context)) {
            assertThat(dd.query("avg:queue_depth{*}", NOW)).isEmpty();
            assertThat(context.waits).as("the first query goes at once").isEmpty();
            // The events budget is another: it does not wait for the spent query budget.
            assertThat(dd.annotations(new AnnotationQuery(Set.of(), NOW.minusSeconds(60), NOW, 1)))
                    .isEmpty();
            assertThat(context.waits).isEmpty();
            assertThat(dd.query("avg:queue_depth{*}", NOW)).isEmpty();
        }
        // The second query waited, before it was sent, the seconds X-RateLimit-Reset named.
        assertThat(context.waits).containsExactly(Duration.ofSeconds(7));
        server.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    @Test
    void a429IsWaitedOutUntilTheResetThenSentAgain() {
        server.stubFor(get(urlPathEqualTo("/api/v1/events"))
                .inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(errors(429, "Rate limit exceeded")
                        .withHeader("X-RateLimit-Limit", "1000")
                        .withHeader("X-RateLimit-Period", "60")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", "3")
                        .withHeader("X-RateLimit-Name", "events_query"))
                .willSetStateTo("open"));
        server.stubFor(get(urlPathEqualTo("/api/v1/events"))
                .inScenario("limited")
                .whenScenarioStateIs("open")
                .willReturn(okJson("{\"status\":\"ok\",\"events\":[]}")));
        TestContext context = context();
        try (ObservabilityAdapter dd = adapter(context)) {
            assertThat(dd.annotations(new AnnotationQuery(Set.of("deployment"), NOW.minusSeconds(60), NOW, 1)))
                    .isEmpty();
        }
        assertThat(context.waits).containsExactly(Duration.ofSeconds(3));
        server.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/events")));
    }

    @Test
    void aServerErrorIsRetriedOnAQuery() {
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(errors(502, "Bad Gateway"))
                .willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo("/api/v1/query"))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(okJson("{\"status\":\"ok\",\"res_type\":\"time_series\",\"series\":[]}")));
        try (ObservabilityAdapter dd = adapter(context())) {
            assertThat(dd.query("avg:queue_depth{*}", NOW)).isEmpty();
        }
        server.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    }

    // ---- sites and settings ----

    private static DatadogSettings settings(Map<String, String> extra) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "auth.api-key", API_KEY);
        c.put(P + "auth.application-key", APPLICATION_KEY);
        c.putAll(extra);
        return DatadogSettings.read("dd", new TestContext(c).config());
    }

    @Test
    void eachSiteIsReachedAtApiDotItsDomainWhateverWayItIsNamed() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("datadoghq.com", "https://api.datadoghq.com"),
                Map.entry("US1", "https://api.datadoghq.com"),
                Map.entry("app.datadoghq.com", "https://api.datadoghq.com"),
                Map.entry("datadoghq.eu", "https://api.datadoghq.eu"),
                Map.entry("EU1", "https://api.datadoghq.eu"),
                Map.entry("app.datadoghq.eu", "https://api.datadoghq.eu"),
                Map.entry("us3.datadoghq.com", "https://api.us3.datadoghq.com"),
                Map.entry("us5.datadoghq.com", "https://api.us5.datadoghq.com"),
                Map.entry("US5", "https://api.us5.datadoghq.com"),
                Map.entry("ap1.datadoghq.com", "https://api.ap1.datadoghq.com"),
                Map.entry("ap2.datadoghq.com", "https://api.ap2.datadoghq.com"),
                Map.entry("uk1.datadoghq.com", "https://api.uk1.datadoghq.com"),
                Map.entry("ddog-gov.com", "https://api.ddog-gov.com"),
                Map.entry("US1-FED", "https://api.ddog-gov.com"),
                Map.entry("us2.ddog-gov.com", "https://api.us2.ddog-gov.com"));
        expected.forEach(
                (site, api) -> assertThat(settings(Map.of(P + "site", site)).apiBase())
                        .as(site)
                        .hasToString(api));
        DatadogSettings defaults = settings(Map.of());
        assertThat(defaults.site()).isEqualTo(DatadogSite.US1);
        assertThat(defaults.apiBase()).hasToString("https://api.datadoghq.com");
        assertThat(defaults.instantLookback()).isEqualTo(Duration.ofMinutes(5));
        // base-url overrides the site's host (a proxy, a test server); the site is still the organisation's.
        DatadogSettings proxied =
                settings(Map.of(P + "site", "datadoghq.eu", P + "base-url", "https://dd-proxy.example.com/"));
        assertThat(proxied.site()).isEqualTo(DatadogSite.EU1);
        assertThat(proxied.apiBase()).hasToString("https://dd-proxy.example.com");
        assertThat(proxied.toString()).doesNotContain(API_KEY).doesNotContain(APPLICATION_KEY);
        // The adapter built for a site talks to that site's host.
        try (ObservabilityAdapter dd = new DatadogProvider()
                .create(
                        "dd",
                        new TestContext(Map.of(
                                        P + "site", "us5.datadoghq.com",
                                        P + "auth.api-key", API_KEY,
                                        P + "auth.application-key", APPLICATION_KEY))
                                .context())) {
            assertThat(dd.toString()).contains("https://api.us5.datadoghq.com");
        }
    }

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithTheKeysRedacted() {
        Map<String, String> c = Map.of(
                P + "type", "datadog",
                P + "site", "datadoghq.cn",
                P + "auth.application-key", APPLICATION_KEY,
                P + "query.instant-lookback", "forever",
                P + "base-url", "ftp://dd.example.com",
                P + "max-attempts", "99");
        assertThatThrownBy(() -> new DatadogProvider().validate("dd", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "site",
                                    P + "auth.api-key",
                                    P + "query.instant-lookback",
                                    P + "base-url",
                                    P + "max-attempts");
                    assertThat(e.getMessage())
                            .contains("datadoghq.eu")
                            .contains("DD-API-KEY")
                            .doesNotContain(APPLICATION_KEY);
                });
        assertThatThrownBy(() -> new DatadogProvider()
                        .validate("dd", new TestContext(Map.of(P + "auth.api-key", API_KEY)).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(problem -> assertThat(problem.key())
                            .isEqualTo(P + "auth.application-key"));
                    assertThat(e.getMessage()).doesNotContain(API_KEY);
                });
    }

    @Test
    void theProviderIsRegisteredAndDeclaresEveryCapability() {
        assertThat(ServiceLoader.load(ObservabilityAdapterProvider.class).stream()
                        .map(ServiceLoader.Provider::get))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(DatadogProvider.class);
                    assertThat(p.name()).isEqualTo("datadog");
                    assertThat(p.capabilities()).isEqualTo(EnumSet.allOf(ObservabilityCapability.class));
                });
    }
}
