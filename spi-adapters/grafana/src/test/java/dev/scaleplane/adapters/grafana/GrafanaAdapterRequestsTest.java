package dev.scaleplane.adapters.grafana;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.scaleplane.adapters.grafana.internal.GrafanaSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the adapter sends, against WireMock stubs in the shapes of Grafana's "Annotations HTTP API" docs
 * ({@code POST /api/annotations}, {@code GET /api/annotations}): method, path, query, {@code Authorization}, {@code
 * X-Grafana-Org-Id}, JSON body with epoch-millisecond times; and what the kit does not cover: the answer's mapping, the
 * marker's text and dashboard, a 401 kept out of the logs, 5xx on GET and POST, the organisation header against the
 * simulation, and settings.
 */
class GrafanaAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.grafana.";
    private static final String TOKEN = "glsa_REQUESTS000000000000000secret_5e6f7a8b";
    /** A start with a sub-millisecond part, which Grafana cannot keep. */
    private static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");

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
        c.put(P + "type", "grafana");
        c.put(P + "base-url", server.baseUrl());
        c.put(P + "auth.token", TOKEN);
        c.put(P + "org-id", "3");
        return c;
    }

    private static ObservabilityAdapter adapter(Map<String, String> config) {
        return new GrafanaProvider().create("grafana", new TestContext(config).context());
    }

    private static MappingBuilder withGrafanaHeaders(MappingBuilder b) {
        return b.withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("X-Grafana-Org-Id", equalTo("3"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("scaleplane-adapters-grafana"));
    }

    private static String added(long id) {
        return "{\"message\":\"Annotation added\",\"id\":" + id + "}";
    }

    // ---- annotate ----

    @Test
    void annotatePostsDashboardPanelEpochMillisTagsAndTextAndReturnsGrafanasId() {
        server.stubFor(withGrafanaHeaders(post("/api/annotations"))
                .withHeader("Content-Type", equalTo("application/json"))
                .willReturn(okJson(added(1141))));
        Annotation wanted = Annotation.span(
                        "rollout of checkout 1.4.2",
                        START,
                        START.plusSeconds(90),
                        Set.of("service:checkout", "deployment"))
                .on("deploys", 2);
        Annotation made;
        try (ObservabilityAdapter grafana = adapter(config())) {
            made = grafana.annotate(wanted);
        }
        assertThat(made.id()).isEqualTo("1141");
        // Grafana keeps milliseconds: the annotation returned is the one Grafana will answer with.
        assertThat(made.start()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
        assertThat(made.end()).isEqualTo(Instant.parse("2026-03-01T10:01:30.123Z"));
        assertThat(made.dashboard()).isEqualTo("deploys");
        assertThat(made.panel()).isEqualTo(2);
        server.verify(
                1,
                postRequestedFor(urlEqualTo("/api/annotations"))
                        .withRequestBody(equalToJson("{\"dashboardUID\":\"deploys\",\"panelId\":2,"
                                + "\"time\":1772359200123,\"timeEnd\":1772359290123,"
                                + "\"tags\":[\"deployment\",\"service:checkout\"],"
                                + "\"text\":\"rollout of checkout 1.4.2\"}")));
    }

    @Test
    void anOrganisationWideMomentSendsNoDashboardPanelOrTimeEndUnderARootWithAPath() {
        server.stubFor(post("/grafana/api/annotations").willReturn(okJson(added(7))));
        Map<String, String> c = config();
        c.put(P + "base-url", server.baseUrl() + "/grafana/api/");
        c.remove(P + "org-id");
        try (ObservabilityAdapter grafana = adapter(c)) {
            Annotation made = grafana.annotate(Annotation.of("cache flushed", START, Set.of()));
            assertThat(made.id()).isEqualTo("7");
            assertThat(made.end()).isNull();
        }
        server.verify(postRequestedFor(urlEqualTo("/grafana/api/annotations"))
                .withHeader("X-Grafana-Org-Id", absent())
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"time\":1772359200123,\"tags\":[],\"text\":\"cache flushed\"}")));
    }

    @Test
    void anEmptyTextIsRefusedBeforeAnyRequestAsGrafanaWouldRefuseIt() {
        try (ObservabilityAdapter grafana = adapter(config())) {
            assertThatThrownBy(() -> grafana.annotate(Annotation.of("", START, Set.of("deployment"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("text");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    // ---- find ----

    @Test
    void annotationsSendsWindowTagsLimitMatchAllAndTypeAndMapsTheDocumentedAnswer() {
        String url = "/api/annotations?from=1772359200000&to=1772362800000&tags=deployment&tags=service%3Acheckout"
                + "&limit=25&matchAny=false&type=annotation";
        // Grafana's documented find answer: a region on a dashboard panel, a moment (timeEnd == time), and an
        // organisation annotation whose dashboard and panel are unset.
        server.stubFor(withGrafanaHeaders(get(urlEqualTo(url)))
                .willReturn(okJson("[{\"id\":1124,\"alertId\":0,\"dashboardId\":7,\"dashboardUID\":\"deploys\","
                        + "\"panelId\":2,\"userId\":1,\"userName\":\"\",\"newState\":\"\",\"prevState\":\"\","
                        + "\"time\":1772359290000,\"timeEnd\":1772359350500,\"text\":\"checkout 1.4.2 rollout\","
                        + "\"tags\":[\"deployment\",\"service:checkout\"],\"data\":{}},"
                        + "{\"id\":1123,\"dashboardUID\":\"deploys\",\"panelId\":0,\"userId\":1,"
                        + "\"time\":1772359260000,\"timeEnd\":1772359260000,\"text\":\"checkout 1.4.1\","
                        + "\"tags\":[\"deployment\",\"service:checkout\",\"version:1.4.1\"],\"data\":{}},"
                        + "{\"id\":1122,\"dashboardId\":0,\"dashboardUID\":null,\"panelId\":3,\"userId\":1,"
                        + "\"time\":1772359201000,\"text\":\"checkout 1.4.0\","
                        + "\"tags\":[\"deployment\",\"service:checkout\"],\"data\":{}}]")));
        List<Annotation> found;
        try (ObservabilityAdapter grafana = adapter(config())) {
            found = grafana.annotations(new AnnotationQuery(
                    Set.of("service:checkout", "deployment"),
                    Instant.parse("2026-03-01T10:00:00Z"),
                    Instant.parse("2026-03-01T11:00:00Z"),
                    25));
        }
        assertThat(found).extracting(Annotation::id).containsExactly("1124", "1123", "1122");
        Annotation region = found.get(0);
        assertThat(region.text()).isEqualTo("checkout 1.4.2 rollout");
        assertThat(region.start()).isEqualTo(Instant.parse("2026-03-01T10:01:30Z"));
        assertThat(region.end()).isEqualTo(Instant.parse("2026-03-01T10:02:30.500Z"));
        assertThat(region.tags()).containsExactlyInAnyOrder("deployment", "service:checkout");
        assertThat(region.dashboard()).isEqualTo("deploys");
        assertThat(region.panel()).isEqualTo(2);
        Annotation moment = found.get(1);
        assertThat(moment.end()).as("a zero-length region is a moment").isNull();
        assertThat(moment.dashboard()).isEqualTo("deploys");
        assertThat(moment.panel()).as("panel 0 is the whole dashboard").isNull();
        Annotation orgWide = found.get(2);
        assertThat(orgWide.dashboard()).isNull();
        assertThat(orgWide.panel()).as("no panel without a dashboard").isNull();
        assertThat(orgWide.end()).isNull();
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/annotations")));
    }

    @Test
    void aQueryWithoutTagsSendsNoTagsAndAWindowFromTheEpochStillFilters() {
        server.stubFor(
                get(urlEqualTo("/api/annotations?from=1&to=1772359200000&limit=1&matchAny=false&type=annotation"))
                        .willReturn(okJson("[]")));
        try (ObservabilityAdapter grafana = adapter(config())) {
            assertThat(grafana.annotations(
                            new AnnotationQuery(Set.of(), Instant.EPOCH, Instant.parse("2026-03-01T10:00:00Z"), 1)))
                    .isEmpty();
        }
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/annotations")));
    }

    // ---- deployment markers ----

    @Test
    void aMarkerIsAMomentOnTheConfiguredDashboardPanelTaggedAsEveryAdapterTagsMarkers() {
        server.stubFor(post("/api/annotations").willReturn(okJson(added(1200))));
        Map<String, String> c = config();
        c.put(P + "deployment-markers.dashboard-uid", "deploys");
        c.put(P + "deployment-markers.panel-id", "4");
        Instant at = Instant.parse("2026-03-01T10:05:00Z");
        try (ObservabilityAdapter grafana = adapter(c)) {
            grafana.markDeployment(
                    new DeploymentMarker("checkout", "1.4.2", "production", "ams-1", at, Map.of("wave", "2")));
        }
        server.verify(postRequestedFor(urlEqualTo("/api/annotations"))
                .withRequestBody(equalToJson("{\"dashboardUID\":\"deploys\",\"panelId\":4,\"time\":1772359500000,"
                        + "\"tags\":[\"cluster:ams-1\",\"deployment\",\"environment:production\","
                        + "\"service:checkout\",\"version:1.4.2\",\"wave:2\"],"
                        + "\"text\":\"checkout 1.4.2 deployed to production/ams-1\"}")));
    }

    @Test
    void withoutAMarkerDashboardAMarkerIsOrganisationWideAndItsTextSaysOnlyWhatIsKnown() {
        server.stubFor(post("/api/annotations").willReturn(okJson(added(1201))));
        Instant at = Instant.parse("2026-03-01T10:05:00Z");
        try (ObservabilityAdapter grafana = adapter(config())) {
            grafana.markDeployment(new DeploymentMarker("checkout", "1.4.2", null, null, at, Map.of()));
            grafana.markDeployment(new DeploymentMarker("checkout", "1.4.3", null, "ams-1", at, Map.of()));
        }
        server.verify(postRequestedFor(urlEqualTo("/api/annotations"))
                .withRequestBody(equalToJson("{\"time\":1772359500000,"
                        + "\"tags\":[\"deployment\",\"service:checkout\",\"version:1.4.2\"],"
                        + "\"text\":\"checkout 1.4.2 deployed\"}")));
        server.verify(postRequestedFor(urlEqualTo("/api/annotations"))
                .withRequestBody(equalToJson("{\"time\":1772359500000,"
                        + "\"tags\":[\"cluster:ams-1\",\"deployment\",\"service:checkout\",\"version:1.4.3\"],"
                        + "\"text\":\"checkout 1.4.3 deployed to ams-1\"}")));
    }

    // ---- what Grafana's annotations API cannot do ----

    @Test
    void queriesAndPushesAreRefusedNamingTheCapabilityAndWhereToGoInstead() {
        Instant now = Instant.now();
        try (ObservabilityAdapter grafana = adapter(config())) {
            assertThatThrownBy(() -> grafana.query("up", now))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUERY")
                    .hasMessageContaining("prometheus");
            assertThatThrownBy(() -> grafana.queryRange("up", now.minusSeconds(60), now, Duration.ofSeconds(15)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUERY");
            assertThatThrownBy(() -> grafana.push(List.of(MetricPoint.gauge("queue_depth", 1, Map.of()))))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("PUSH");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    // ---- failures, through the plumbing ----

    @Test
    void a401FailsAtOnceWithTheTokenInNeitherTheMessageNorTheLogs() {
        server.stubFor(post("/api/annotations")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"extra\":null,\"message\":\"Invalid API key\",\"messageId\":\"api-key.invalid\","
                                + "\"statusCode\":401,\"traceID\":\"\"}")));
        AdapterAuthenticationException[] thrown = new AdapterAuthenticationException[1];
        String logs;
        try (ObservabilityAdapter grafana = adapter(config())) {
            logs = CapturedOutput.of(() -> {
                try {
                    grafana.annotate(Annotation.of("x", START, Set.of("deployment")));
                } catch (AdapterAuthenticationException e) {
                    thrown[0] = e;
                }
            });
        }
        assertThat(thrown[0]).isNotNull();
        assertThat(thrown[0].status()).isEqualTo(401);
        assertThat(thrown[0].system()).isEqualTo("grafana");
        assertThat(thrown[0].serverMessage()).isEqualTo("Invalid API key");
        assertThat(thrown[0].getMessage()).contains("grafana").doesNotContain(TOKEN);
        // The request was logged, its credential masked.
        assertThat(logs).contains("Authorization: ****").contains("401").doesNotContain(TOKEN);
        server.verify(1, postRequestedFor(urlEqualTo("/api/annotations")));
    }

    @Test
    void aServerErrorIsRetriedOnGetButNotOnThePostThatCreatesAnAnnotation() {
        String url = "/api/annotations?from=1772359200000&to=1772359260000&tags=deployment&limit=10"
                + "&matchAny=false&type=annotation";
        server.stubFor(get(urlEqualTo(url))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Failed to get annotations\"}"))
                .willSetStateTo("recovered"));
        server.stubFor(get(urlEqualTo(url))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson("[]")));
        server.stubFor(post("/api/annotations")
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Failed to save annotation\"}")));
        TestContext context = new TestContext(config());
        try (ObservabilityAdapter grafana = new GrafanaProvider().create("grafana", context.context())) {
            assertThat(grafana.annotations(new AnnotationQuery(
                            Set.of("deployment"),
                            Instant.parse("2026-03-01T10:00:00Z"),
                            Instant.parse("2026-03-01T10:01:00Z"),
                            10)))
                    .isEmpty();
            assertThatThrownBy(() -> grafana.annotate(Annotation.of("x", START, Set.of())))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).isEqualTo("Failed to save annotation");
                    });
        }
        server.verify(2, getRequestedFor(urlPathEqualTo("/api/annotations")));
        server.verify(1, postRequestedFor(urlEqualTo("/api/annotations")));
        assertThat(context.waits).as("one backoff, before the second GET").hasSize(1);
    }

    @Test
    void theOrganisationHeaderSelectsWhereAnnotationsLiveAndATokenOfAnotherOrganisationIsRefused() {
        FakeGrafana grafana = FakeGrafana.launch();
        try {
            Map<String, String> org2 = config();
            org2.put(P + "base-url", grafana.baseUrl());
            org2.put(P + "auth.token", FakeGrafana.TOKEN);
            org2.put(P + "org-id", "2");
            try (ObservabilityAdapter wrongOrg = adapter(org2)) {
                assertThatThrownBy(() -> wrongOrg.annotate(Annotation.of("x", START, Set.of())))
                        .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.serverMessage())
                                    .isEqualTo("API key does not belong to the requested organization");
                            assertThat(e.getMessage()).doesNotContain(FakeGrafana.TOKEN);
                        });
            }
            org2.put(P + "auth.token", FakeGrafana.ORG2_TOKEN);
            try (ObservabilityAdapter second = adapter(org2)) {
                second.annotate(Annotation.of("in org 2", START, Set.of("deployment")));
            }
            // A Grafana user with Basic auth acts in whichever organisation the header names.
            Map<String, String> basic = config();
            basic.put(P + "base-url", grafana.baseUrl());
            basic.put(P + "auth.type", "basic");
            basic.put(P + "auth.username", FakeGrafana.USER);
            basic.put(P + "auth.token", FakeGrafana.PASSWORD);
            basic.put(P + "org-id", "1");
            try (ObservabilityAdapter first = adapter(basic)) {
                first.annotate(Annotation.of("in org 1", START, Set.of("deployment")));
                assertThat(first.annotations(new AnnotationQuery(
                                Set.of("deployment"), START.minusSeconds(1), START.plusSeconds(1), 10)))
                        .extracting(Annotation::text)
                        .containsExactly("in org 1");
            }
            assertThat(grafana.stored(2))
                    .extracting(a -> a.path("text").asText())
                    .containsExactly("in org 2");
        } finally {
            grafana.shutdown();
        }
    }

    @Test
    void grafanaRefusingADashboardIsATypedRefusalCarryingItsMessage() {
        server.stubFor(get(urlPathEqualTo("/api/annotations"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Invalid dashboard UID in annotation request\"}")));
        try (ObservabilityAdapter grafana = adapter(config())) {
            assertThatThrownBy(() -> grafana.annotations(new AnnotationQuery(Set.of(), START, START.plusSeconds(1), 1)))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("Invalid dashboard UID in annotation request"));
        }
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/annotations")));
    }

    // ---- settings ----

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithTheTokenRedacted() {
        Map<String, String> c = Map.of(
                P + "type", "grafana",
                P + "base-url", "ftp://grafana.example.com",
                P + "auth.type", "api-key",
                P + "auth.token", TOKEN,
                P + "org-id", "main",
                P + "deployment-markers.panel-id", "4",
                P + "max-attempts", "99");
        assertThatThrownBy(() -> new GrafanaProvider().validate("grafana", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "base-url",
                                    P + "auth.type",
                                    P + "org-id",
                                    P + "deployment-markers.panel-id",
                                    P + "max-attempts");
                    assertThat(e.getMessage())
                            .contains("bearer")
                            .contains("dashboard-uid")
                            .doesNotContain(TOKEN);
                });

        Map<String, String> basicWithoutUser = Map.of(P + "auth.type", "basic", P + "org-id", "0");
        assertThatThrownBy(() -> new GrafanaProvider().validate("grafana", new TestContext(basicWithoutUser).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                P + "base-url", P + "org-id", P + "auth.username", P + "auth.token"));
    }

    @Test
    void aTokenMeansBearerWithoutOneNoCredentialAndTheProviderIsRegistered() {
        Map<String, String> c = Map.of(P + "base-url", "https://grafana.example.com/", P + "auth.token", TOKEN);
        GrafanaSettings settings = GrafanaSettings.read("grafana", new TestContext(c).config());
        assertThat(settings.auth()).isEqualTo(GrafanaSettings.Auth.BEARER);
        assertThat(settings.root()).hasToString("https://grafana.example.com");
        assertThat(settings.orgId()).isNull();
        assertThat(settings.markerDashboard()).isNull();
        assertThat(settings.markerPanel()).isNull();
        assertThat(settings.toString()).doesNotContain(TOKEN);
        assertThat(GrafanaSettings.read(
                                "grafana",
                                new TestContext(Map.of(P + "base-url", "https://grafana.example.com")).config())
                        .auth())
                .isEqualTo(GrafanaSettings.Auth.NONE);
        assertThat(ServiceLoader.load(ObservabilityAdapterProvider.class).stream()
                        .map(ServiceLoader.Provider::get))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(GrafanaProvider.class);
                    assertThat(p.name()).isEqualTo("grafana");
                    assertThat(p.capabilities())
                            .containsExactlyInAnyOrder(
                                    dev.scaleplane.api.adapters.observability.ObservabilityCapability.ANNOTATIONS,
                                    dev.scaleplane.api.adapters.observability.ObservabilityCapability
                                            .DEPLOYMENT_MARKERS);
                });
    }
}
