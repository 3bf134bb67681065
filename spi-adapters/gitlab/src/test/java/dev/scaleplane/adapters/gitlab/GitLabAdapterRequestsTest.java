package dev.scaleplane.adapters.gitlab;

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
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.gitlab.internal.GitLabSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the adapter sends, against WireMock stubs in the shapes of docs.gitlab.com/api/pipelines and
 * docs.gitlab.com/api/rest (pagination, rate limits): method, path with the URL-encoded project, query, {@code
 * PRIVATE-TOKEN} or bearer header, JSON body; and what the kit does not cover: x-next-page over three pages, the
 * governor on {@code RateLimit-Remaining: 0}, a 429 with {@code Retry-After}, 5xx on GET and POST, a 401 kept out of
 * the logs, status mapping details and settings.
 */
class GitLabAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.gl.";
    private static final String TOKEN = "glpat-REQUESTS0000000secretvalue";
    private static final String PROJECT = "/api/v4/projects/acme%2Fplatform%2Fapp";
    /** The governor tests run on this clock, so that resets and waits are exact. */
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

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
        c.put(P + "type", "gitlab");
        c.put(P + "base-url", server.baseUrl());
        c.put(P + "auth.token", TOKEN);
        c.put(P + "page-size", "2");
        c.put(P + "pipelines.poll-interval", "1ms");
        c.put(P + "pipelines.max-poll-interval", "2ms");
        return c;
    }

    private CiAdapter adapter(TestContext context) {
        return new GitLabCiProvider().create("gl", context.context());
    }

    private static MappingBuilder withGitLabHeaders(MappingBuilder b) {
        return b.withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
                .withHeader("Authorization", absent())
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("scaleplane-adapters-gitlab"));
    }

    /** A pipeline in the API's shape (docs.gitlab.com/api/pipelines, "Get a single pipeline"). */
    private static String pipeline(long id, String status, String finishedAt, String created) {
        return "{\"id\":" + id + ",\"iid\":" + (id - 1000) + ",\"project_id\":4242,\"sha\":"
                + "\"50f0acb76a40e34a4ff304f7347dcc6587da8a14\",\"ref\":\"main\",\"status\":\"" + status + "\","
                + "\"source\":\"api\",\"created_at\":\"" + created + "\",\"updated_at\":\"" + created + "\","
                + "\"web_url\":\"https://gitlab.example.com/acme/platform/app/-/pipelines/" + id + "\","
                + "\"before_sha\":\"0000000000000000000000000000000000000000\",\"tag\":false,\"yaml_errors\":null,"
                + "\"started_at\":null,\"finished_at\":" + (finishedAt == null ? "null" : "\"" + finishedAt + "\"")
                + ",\"committed_at\":null,\"duration\":null,\"queued_duration\":0.01,\"coverage\":null}";
    }

    private static ResponseDefinitionBuilder created(String body) {
        return aResponse()
                .withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    // ---- trigger ----

    @Test
    void triggerPostsRefAndVariablesToTheEncodedProjectAndReturnsThePipelineAtOnce() {
        server.stubFor(withGitLabHeaders(post(PROJECT + "/pipeline"))
                .willReturn(created(pipeline(61, "created", null, "2026-03-01T10:00:00.123Z"))));
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            CiRun run = ci.trigger(
                    new CiTrigger("acme/platform/app", "main", Map.of("VERSION", "1.2.3", "DEPLOY_ENV", "staging")));
            assertThat(run.id()).isEqualTo("acme/platform/app/61");
            assertThat(run.pipeline()).isEqualTo("acme/platform/app");
            assertThat(run.ref()).isEqualTo("main");
            assertThat(run.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(run.conclusion()).isEqualTo("created");
            assertThat(run.url()).hasToString("https://gitlab.example.com/acme/platform/app/-/pipelines/61");
            assertThat(run.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
        }
        server.verify(
                1,
                postRequestedFor(urlEqualTo(PROJECT + "/pipeline"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("{\"ref\":\"main\",\"variables\":["
                                + "{\"key\":\"DEPLOY_ENV\",\"value\":\"staging\",\"variable_type\":\"env_var\"},"
                                + "{\"key\":\"VERSION\",\"value\":\"1.2.3\",\"variable_type\":\"env_var\"}]}")));
        // The answer holds the pipeline: no second call.
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void aNumericProjectIdAnOAuthTokenAndASelfManagedApiUrlUnderARelativeRoot() {
        server.stubFor(post("/gitlab/api/v4/projects/4242/pipeline")
                .withHeader("Authorization", equalTo("Bearer gloas-oauth-access-token"))
                .withHeader("PRIVATE-TOKEN", absent())
                .willReturn(created(pipeline(62, "pending", null, "2026-03-01T10:00:00Z")
                        .replace("\"web_url\":\"https://gitlab.example.com/acme/platform/app/-/pipelines/62\",", ""))));
        Map<String, String> c = config();
        c.put(P + "base-url", server.baseUrl() + "/gitlab/api/v4/");
        c.put(P + "auth.type", "bearer");
        c.put(P + "auth.token", "gloas-oauth-access-token");
        try (CiAdapter ci = adapter(new TestContext(c))) {
            CiRun run = ci.trigger(CiTrigger.of("4242", "main"));
            assertThat(run.id()).isEqualTo("4242/62");
            assertThat(run.pipeline()).isEqualTo("4242");
            assertThat(run.status()).isEqualTo(CiStatus.QUEUED);
            // Without web_url, and with no path to build the page's URL from, the API URL of the pipeline.
            assertThat(run.url()).hasToString(server.baseUrl() + "/gitlab/api/v4/projects/4242/pipelines/62");
        }
        server.verify(postRequestedFor(urlEqualTo("/gitlab/api/v4/projects/4242/pipeline"))
                .withRequestBody(equalToJson("{\"ref\":\"main\"}")));
    }

    @Test
    void aVariableKeyGitLabRefusesIsARequestRefusedWithGitLabsMessageNotRetried() {
        FakeGitLab gitlab = FakeGitLab.launch();
        try {
            Map<String, String> c = config();
            c.put(P + "base-url", gitlab.baseUrl());
            c.put(P + "auth.token", FakeGitLab.TOKEN);
            try (CiAdapter ci = adapter(new TestContext(c))) {
                assertThatThrownBy(
                                () -> ci.trigger(new CiTrigger("acme/platform/app", "main", Map.of("dry-run", "true"))))
                        .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.serverMessage()).contains("letters, digits and '_'");
                        });
                assertThatThrownBy(() -> ci.trigger(CiTrigger.of("acme/platform/app", "no-such-branch")))
                        .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                                .contains("Reference not found"));
            }
            assertThat(gitlab.ci().requestCount()).isEqualTo(2);
        } finally {
            gitlab.shutdown();
        }
    }

    @Test
    void badIdentifiersAndABlankRefFailBeforeAnyRequestNamingTheValue() {
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("app", "main")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'app'")
                    .hasMessageContaining("acme/platform/app");
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("acme/app", " ")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ref");
            assertThatThrownBy(() -> ci.status("acme/platform/app"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("<project>/<pipeline id>");
            assertThatThrownBy(() -> ci.awaitCompletion("acme/app/latest", Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    // ---- status and cancel ----

    @Test
    void statusReadsThePipelineAndKeepsGitLabsStatusAsTheConclusion() {
        String created = "2026-03-01T10:00:00Z";
        server.stubFor(withGitLabHeaders(get(PROJECT + "/pipelines/46"))
                .willReturn(okJson(pipeline(46, "manual", null, created))));
        server.stubFor(
                get(PROJECT + "/pipelines/47").willReturn(okJson(pipeline(47, "paused_for_review", null, created))));
        server.stubFor(get(PROJECT + "/pipelines/48")
                .willReturn(okJson(pipeline(48, "paused_for_review", "2026-03-01T10:05:00Z", created))));
        server.stubFor(get(PROJECT + "/pipelines/49").willReturn(okJson(pipeline(49, "canceling", null, created))));
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            CiRun manual = ci.status("acme/platform/app/46");
            // Stopped at a manual job that gates the pipeline: under way, waiting for a person.
            assertThat(manual.status()).isEqualTo(CiStatus.RUNNING);
            assertThat(manual.conclusion()).isEqualTo("manual");
            assertThat(manual.pipeline()).isEqualTo("acme/platform/app");
            assertThat(manual.updatedAt()).isEqualTo(Instant.parse(created));
            // A status GitLab may add later: running until it has finished, then never green.
            assertThat(ci.status("acme/platform/app/47").status()).isEqualTo(CiStatus.RUNNING);
            CiRun unknownFinished = ci.status("acme/platform/app/48");
            assertThat(unknownFinished.status()).isEqualTo(CiStatus.FAILED);
            assertThat(unknownFinished.conclusion()).isEqualTo("paused_for_review");
            CiRun canceling = ci.status("acme/platform/app/49");
            assertThat(canceling.status()).isEqualTo(CiStatus.CANCELLED);
            assertThat(canceling.conclusion()).isEqualTo("canceling");
        }
        assertThat(server.findAll(getRequestedFor(urlEqualTo(PROJECT + "/pipelines/46"))))
                .singleElement()
                .satisfies(r -> assertThat(r.getBody()).isEmpty());
    }

    @Test
    void cancelPostsToCancelAndReturnsThePipelineGitLabAnswersWith() {
        server.stubFor(withGitLabHeaders(post(PROJECT + "/pipelines/46/cancel"))
                .willReturn(okJson(pipeline(46, "canceled", "2026-03-01T10:01:00Z", "2026-03-01T10:00:00Z"))));
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            CiRun cancelled = ci.cancel("acme/platform/app/46");
            assertThat(cancelled.status()).isEqualTo(CiStatus.CANCELLED);
            assertThat(cancelled.conclusion()).isEqualTo("canceled");
            assertThat(cancelled.id()).isEqualTo("acme/platform/app/46");
        }
        LoggedRequest cancel = server.findAll(postRequestedFor(urlEqualTo(PROJECT + "/pipelines/46/cancel")))
                .get(0);
        assertThat(cancel.getBody()).isEmpty();
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    // ---- listing ----

    @Test
    void runsAreListedNewestFirstFollowingXNextPageLazilyAcrossThreePages() {
        String list = PROJECT + "/pipelines";
        String[][] pages = {{"106", "105"}, {"104", "103"}, {"102"}};
        for (int i = 0; i < pages.length; i++) {
            int page = i + 1;
            String items = Stream.of(pages[i])
                    .map(id -> pipeline(
                            Long.parseLong(id),
                            "success",
                            "2026-03-01T10:10:00Z",
                            "2026-03-01T10:00:" + id.substring(1) + "Z"))
                    .collect(Collectors.joining(",", "[", "]"));
            server.stubFor(withGitLabHeaders(get(urlPathEqualTo(list)))
                    .withQueryParam("order_by", equalTo("id"))
                    .withQueryParam("sort", equalTo("desc"))
                    .withQueryParam("per_page", equalTo("2"))
                    .withQueryParam("page", page == 1 ? absent() : equalTo(String.valueOf(page)))
                    .willReturn(okJson(items)
                            .withHeader("x-page", String.valueOf(page))
                            .withHeader("x-per-page", "2")
                            .withHeader("x-next-page", page < 3 ? String.valueOf(page + 1) : "")
                            .withHeader("x-prev-page", page > 1 ? String.valueOf(page - 1) : "")
                            .withHeader("x-total", "5")
                            .withHeader("x-total-pages", "3")));
        }
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            Stream<CiRun> runs = ci.runs("acme/platform/app");
            assertThat(server.getAllServeEvents())
                    .as("nothing fetched before use")
                    .isEmpty();
            Iterator<CiRun> it = runs.iterator();
            assertThat(it.next().id()).isEqualTo("acme/platform/app/106");
            assertThat(server.getAllServeEvents())
                    .as("one page for the first run")
                    .hasSize(1);

            List<CiRun> all = ci.runs("acme/platform/app").collect(Collectors.toList());
            assertThat(all)
                    .extracting(CiRun::id)
                    .containsExactly(
                            "acme/platform/app/106",
                            "acme/platform/app/105",
                            "acme/platform/app/104",
                            "acme/platform/app/103",
                            "acme/platform/app/102");
            assertThat(all).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(CiStatus.SUCCEEDED);
                assertThat(r.pipeline()).isEqualTo("acme/platform/app");
            });
        }
        List<LoggedRequest> requests = server.findAll(getRequestedFor(urlPathEqualTo(list)));
        // 1 for the lazy look, then 3 pages; the empty x-next-page ends the listing.
        assertThat(requests)
                .extracting(LoggedRequest::getUrl)
                .containsExactly(
                        list + "?order_by=id&sort=desc&per_page=2",
                        list + "?order_by=id&sort=desc&per_page=2",
                        list + "?order_by=id&sort=desc&per_page=2&page=2",
                        list + "?order_by=id&sort=desc&per_page=2&page=3");
    }

    // ---- rate limits, through the plumbing ----

    @Test
    void theGovernorWaitsOnRateLimitRemainingZeroUntilRateLimitReset() {
        server.stubFor(get(PROJECT + "/pipelines/9")
                .willReturn(okJson(pipeline(9, "running", null, "2026-03-01T10:00:00Z"))
                        .withHeader("RateLimit-Limit", "600")
                        .withHeader("RateLimit-Observed", "600")
                        .withHeader("RateLimit-Remaining", "0")
                        .withHeader("RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 42))
                        .withHeader("RateLimit-ResetTime", "Sun, 01 Mar 2026 10:00:42 GMT")));
        TestContext context = new TestContext(config(), Clock.fixed(NOW, ZoneOffset.UTC));
        try (CiAdapter ci = adapter(context)) {
            assertThat(ci.status("acme/platform/app/9").status()).isEqualTo(CiStatus.RUNNING);
            assertThat(context.waits).as("the first call goes at once").isEmpty();
            assertThat(ci.status("acme/platform/app/9").status()).isEqualTo(CiStatus.RUNNING);
        }
        // The second call waited, before it was sent, until the window's reset.
        assertThat(context.waits).containsExactly(Duration.ofSeconds(42));
        server.verify(2, getRequestedFor(urlEqualTo(PROJECT + "/pipelines/9")));
    }

    @Test
    void a429IsWaitedOutAsRetryAfterSaysThenTheCallSucceeds() {
        server.stubFor(post(PROJECT + "/pipeline")
                .inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", "text/plain")
                        .withHeader("Retry-After", "30")
                        .withBody("Retry later\n"))
                .willSetStateTo("served"));
        server.stubFor(post(PROJECT + "/pipeline")
                .inScenario("throttled")
                .whenScenarioStateIs("served")
                .willReturn(created(pipeline(63, "pending", null, "2026-03-01T10:00:00Z"))));
        TestContext context = new TestContext(config(), Clock.fixed(NOW, ZoneOffset.UTC));
        try (CiAdapter ci = adapter(context)) {
            // A 429 means GitLab did not act on the request, so even a POST is sent again.
            assertThat(ci.trigger(CiTrigger.of("acme/platform/app", "main")).id())
                    .isEqualTo("acme/platform/app/63");
        }
        assertThat(context.waits).containsExactly(Duration.ofSeconds(30));
        server.verify(2, postRequestedFor(urlEqualTo(PROJECT + "/pipeline")));
    }

    // ---- resilience ----

    @Test
    void aServerErrorIsRetriedOnGetButNotOnTheNonIdempotentPost() {
        server.stubFor(get(PROJECT + "/pipelines/10")
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"500 Internal Server Error\"}"))
                .willSetStateTo("recovered"));
        server.stubFor(get(PROJECT + "/pipelines/10")
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson(pipeline(10, "success", "2026-03-01T10:05:00Z", "2026-03-01T10:00:00Z"))));
        server.stubFor(post(PROJECT + "/pipeline")
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"500 Internal Server Error\"}")));
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            assertThat(ci.status("acme/platform/app/10").status()).isEqualTo(CiStatus.SUCCEEDED);
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("acme/platform/app", "main")))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).isEqualTo("500 Internal Server Error");
                    });
        }
        server.verify(2, getRequestedFor(urlEqualTo(PROJECT + "/pipelines/10")));
        server.verify(1, postRequestedFor(urlEqualTo(PROJECT + "/pipeline")));
    }

    @Test
    void a401FailsAtOnceWithTheTokenInNeitherTheMessageNorTheLogs() {
        server.stubFor(post(PROJECT + "/pipeline")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"401 Unauthorized\"}")));
        AdapterAuthenticationException[] thrown = new AdapterAuthenticationException[1];
        String logs;
        try (CiAdapter ci = adapter(new TestContext(config()))) {
            logs = captureLogs(() -> {
                try {
                    ci.trigger(CiTrigger.of("acme/platform/app", "main"));
                } catch (AdapterAuthenticationException e) {
                    thrown[0] = e;
                }
            });
        }
        assertThat(thrown[0]).isNotNull();
        assertThat(thrown[0].status()).isEqualTo(401);
        assertThat(thrown[0].system()).isEqualTo("gitlab");
        assertThat(thrown[0].serverMessage()).isEqualTo("401 Unauthorized");
        assertThat(thrown[0].getMessage()).contains("gitlab").doesNotContain(TOKEN);
        // The request was logged, its credential masked.
        assertThat(logs).contains("PRIVATE-TOKEN: ****").contains("401").doesNotContain(TOKEN);
        server.verify(1, postRequestedFor(urlEqualTo(PROJECT + "/pipeline")));
    }

    /** Runs {@code action} and returns what it printed to System.err, where slf4j-simple logs. */
    private static String captureLogs(Runnable action) {
        return CapturedOutput.of(action);
    }

    // ---- settings ----

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithTheTokenRedacted() {
        Map<String, String> c = Map.of(
                P + "type", "gitlab",
                P + "base-url", "ftp://gitlab.example.com",
                P + "auth.type", "job-token",
                P + "auth.token", TOKEN,
                P + "page-size", "0",
                P + "pipelines.poll-interval", "soon",
                P + "pipelines.max-poll-interval", "2h",
                P + "max-attempts", "99");
        assertThatThrownBy(() -> new GitLabCiProvider().validate("gl", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "base-url",
                                    P + "auth.type",
                                    P + "page-size",
                                    P + "pipelines.poll-interval",
                                    P + "pipelines.max-poll-interval",
                                    P + "max-attempts");
                    assertThat(e.getMessage()).contains("private-token").doesNotContain(TOKEN);
                });

        Map<String, String> noToken = Map.of(P + "auth.type", "bearer");
        assertThatThrownBy(() -> new GitLabCiProvider().validate("gl", new TestContext(noToken).config()))
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(problem -> {
                            assertThat(problem.key()).isEqualTo(P + "auth.token");
                            assertThat(problem.expected()).contains("bearer");
                        }));
    }

    @Test
    void defaultsAreGitlabComWithAPrivateTokenAndTheProviderIsRegistered() {
        GitLabSettings withToken = GitLabSettings.read("gl", new TestContext(Map.of(P + "auth.token", TOKEN)).config());
        assertThat(withToken.webRoot()).hasToString("https://gitlab.com");
        assertThat(withToken.apiBase()).hasToString("https://gitlab.com/api/v4");
        assertThat(withToken.auth()).isEqualTo(GitLabSettings.Auth.PRIVATE_TOKEN);
        assertThat(withToken.pageSize()).isEqualTo(100);
        assertThat(withToken.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(withToken.maxPollInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(withToken.toString()).doesNotContain(TOKEN);
        assertThat(GitLabSettings.read("gl", new TestContext(Map.of()).config()).auth())
                .isEqualTo(GitLabSettings.Auth.NONE);
        assertThat(ServiceLoader.load(CiAdapterProvider.class).stream().map(p -> p.get()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(GitLabCiProvider.class);
                    assertThat(p.name()).isEqualTo("gitlab");
                });
    }
}
