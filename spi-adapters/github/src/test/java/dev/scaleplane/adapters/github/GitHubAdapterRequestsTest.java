package dev.scaleplane.adapters.github;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the kits do not cover, against WireMock stubs in the shapes of docs.github.com, asserting the exact requests:
 * GitHub App auth through a provider-created adapter, a GHES base URL, the run-id fallback for servers that answer a
 * dispatch with 204, GitHub's secondary rate limit, and settings validation.
 */
class GitHubAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.gh.";
    private static final String TOKEN = "github_pat_11REQUESTS000_secretvalue";
    private static KeyPair keys;

    private WireMockServer server;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static String pem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private Map<String, String> tokenConfig(String baseUrl) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "github");
        c.put(P + "base-url", baseUrl);
        c.put(P + "auth.token", TOKEN);
        c.put(P + "page-size", "2");
        c.put(P + "actions.poll-interval", "1ms");
        c.put(P + "actions.max-poll-interval", "2ms");
        return c;
    }

    private static MappingBuilder withGitHubHeaders(MappingBuilder b, String authorization) {
        return b.withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withHeader("User-Agent", equalTo("scaleplane-adapters-github"))
                .withHeader("Authorization", equalTo(authorization));
    }

    private static String run(long id, String status, String conclusion, String created) {
        return "{\"id\":" + id + ",\"name\":\"CI\",\"head_branch\":\"main\",\"path\":\".github/workflows/ci.yml\","
                + "\"event\":\"workflow_dispatch\",\"status\":\"" + status + "\",\"conclusion\":"
                + (conclusion == null ? "null" : "\"" + conclusion + "\"") + ",\"workflow_id\":161335,"
                + "\"html_url\":\"https://github.com/acme/app/actions/runs/" + id + "\",\"created_at\":\"" + created
                + "\",\"updated_at\":\"" + created + "\"}";
    }

    // ---- dispatch: the 2026 answer, and the fallback ----

    @Test
    void dispatchAsksForTheRunAndReturnsItFromTheAnswerWithoutAnotherCall() {
        server.stubFor(withGitHubHeaders(post("/repos/acme/app/actions/workflows/ci.yml/dispatches"), "Bearer " + TOKEN)
                .willReturn(okJson("{\"workflow_run_id\":22222,"
                        + "\"run_url\":\"https://api.github.com/repos/acme/app/actions/runs/22222\","
                        + "\"html_url\":\"https://github.com/acme/app/actions/runs/22222\"}")));
        try (CiAdapter ci =
                new GitHubActionsProvider().create("gh", new TestContext(tokenConfig(server.baseUrl())).context())) {
            CiRun run = ci.trigger(new CiTrigger("acme/app/ci.yml", "main", Map.of("version", "1.2.3")));
            assertThat(run.id()).isEqualTo("acme/app/22222");
            assertThat(run.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(run.url()).hasToString("https://github.com/acme/app/actions/runs/22222");
        }
        server.verify(
                1,
                postRequestedFor(urlEqualTo("/repos/acme/app/actions/workflows/ci.yml/dispatches"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson(
                                "{\"ref\":\"main\",\"inputs\":{\"version\":\"1.2.3\"},\"return_run_details\":true}")));
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void anOlderServerRefusingReturnRunDetailsGetsThePlainDispatchAndTheRunIsFoundByListing() {
        String dispatches = "/repos/acme/app/actions/workflows/ci.yml/dispatches";
        server.stubFor(post(dispatches)
                .withRequestBody(matchingJsonPath("$.return_run_details"))
                .willReturn(aResponse()
                        .withStatus(422)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Invalid request.\\n\\n\\\"return_run_details\\\" is not a permitted"
                                + " key.\",\"documentation_url\":\"https://docs.github.com/enterprise-server@3.20/rest"
                                + "/actions/workflows#create-a-workflow-dispatch-event\",\"status\":\"422\"}")));
        server.stubFor(post(dispatches)
                .withRequestBody(equalToJson("{\"ref\":\"main\"}"))
                .willReturn(aResponse().withStatus(204)));
        // GitHub lists the run a moment after the dispatch: the first listing is empty.
        String runs = "/repos/acme/app/actions/workflows/ci.yml/runs";
        String now = Instant.now().toString();
        server.stubFor(get(urlPathEqualTo(runs))
                .inScenario("lookup")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"total_count\":0,\"workflow_runs\":[]}"))
                .willSetStateTo("listed"));
        server.stubFor(get(urlPathEqualTo(runs))
                .inScenario("lookup")
                .whenScenarioStateIs("listed")
                .willReturn(okJson("{\"total_count\":2,\"workflow_runs\":[" + run(902, "queued", null, now) + ","
                        + run(901, "queued", null, now) + "]}")));

        TestContext context = new TestContext(tokenConfig(server.baseUrl()));
        try (CiAdapter ci = new GitHubActionsProvider().create("gh", context.context())) {
            CiRun first = ci.trigger(CiTrigger.of("acme/app/ci.yml", "main"));
            CiRun second = ci.trigger(CiTrigger.of("acme/app/ci.yml", "main"));
            // The oldest unclaimed run is ours; a second dispatch does not claim it again.
            assertThat(first.id()).isEqualTo("acme/app/901");
            assertThat(second.id()).isEqualTo("acme/app/902");
            assertThat(first.status()).isEqualTo(CiStatus.QUEUED);
        }
        assertThat(context.waits).hasSize(1);
        List<LoggedRequest> lists = server.findAll(getRequestedFor(urlPathEqualTo(runs)));
        assertThat(lists).hasSizeGreaterThanOrEqualTo(2);
        LoggedRequest list = lists.get(0);
        assertThat(list.queryParameter("event").firstValue()).isEqualTo("workflow_dispatch");
        assertThat(list.queryParameter("branch").firstValue()).isEqualTo("main");
        assertThat(list.queryParameter("created").firstValue()).startsWith(">=");
        Instant since =
                Instant.parse(list.queryParameter("created").firstValue().substring(2));
        assertThat(since).isBefore(Instant.now());
        assertThat(list.queryParameter("per_page").firstValue()).isEqualTo("2");
        assertThat(list.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void statusCancelAndRunsSendTheDocumentedRequests() {
        server.stubFor(withGitHubHeaders(get("/repos/acme/app/actions/runs/5"), "Bearer " + TOKEN)
                .willReturn(okJson(run(5, "completed", "timed_out", "2026-03-01T10:00:00Z"))));
        server.stubFor(post("/repos/acme/app/actions/runs/6/cancel")
                .willReturn(aResponse().withStatus(202).withBody("{}")));
        server.stubFor(get("/repos/acme/app/actions/runs/6")
                .willReturn(okJson(run(6, "in_progress", null, "2026-03-01T10:00:00Z"))));
        String runs = "/repos/acme/app/actions/workflows/ci.yml/runs";
        server.stubFor(get(runs + "?per_page=2")
                .willReturn(okJson("{\"total_count\":3,\"workflow_runs\":["
                                + run(3, "completed", "success", "2026-03-01T10:00:03Z") + ","
                                + run(2, "completed", "failure", "2026-03-01T10:00:02Z") + "]}")
                        .withHeader(
                                "Link",
                                "<" + server.baseUrl() + runs + "?per_page=2&page=2>; rel=\"next\", <"
                                        + server.baseUrl() + runs + "?per_page=2&page=2>; rel=\"last\"")));
        server.stubFor(get(runs + "?per_page=2&page=2")
                .willReturn(okJson("{\"total_count\":3,\"workflow_runs\":["
                        + run(1, "completed", "cancelled", "2026-03-01T10:00:01Z") + "]}")));

        try (CiAdapter ci =
                new GitHubActionsProvider().create("gh", new TestContext(tokenConfig(server.baseUrl())).context())) {
            CiRun timedOut = ci.status("acme/app/5");
            assertThat(timedOut.status()).isEqualTo(CiStatus.FAILED);
            assertThat(timedOut.conclusion()).isEqualTo("timed_out");
            assertThat(timedOut.pipeline()).isEqualTo("acme/app/ci.yml");
            assertThat(ci.cancel("acme/app/6").status()).isEqualTo(CiStatus.RUNNING);
            assertThat(ci.runs("acme/app/ci.yml").map(CiRun::conclusion).collect(Collectors.toList()))
                    .containsExactly("success", "failure", "cancelled");
        }
        LoggedRequest cancel = server.findAll(postRequestedFor(urlEqualTo("/repos/acme/app/actions/runs/6/cancel")))
                .get(0);
        assertThat(cancel.getBody()).isEmpty();
        server.verify(getRequestedFor(urlEqualTo(runs + "?per_page=2&page=2")));
    }

    // ---- GitHub App and GHES ----

    @Test
    void gitHubAppAuthExchangesAJwtAndSignsApiCallsWithTheInstallationTokenOnAGhesBaseUrl(@TempDir Path dir)
            throws Exception {
        server.stubFor(post("/api/v3/app/installations/77/access_tokens")
                .withHeader("Authorization", matching("Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"token\":\"ghs_installation_token\",\"expires_at\":\""
                                + Instant.now().plus(Duration.ofHours(1)) + "\"}")));
        server.stubFor(withGitHubHeaders(post("/api/v3/repos/acme/app/issues"), "Bearer ghs_installation_token")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"number\":7,\"title\":\"Broken\",\"state\":\"open\",\"labels\":[{\"name\":"
                                + "\"incident\"}],\"assignee\":{\"login\":\"octocat\"},\"html_url\":"
                                + "\"https://ghe.example.com/acme/app/issues/7\"}")));
        Path keyFile = dir.resolve("app.pem");
        Files.writeString(keyFile, pem());
        for (Map.Entry<String, String> key : Map.of(
                        "auth.private-key", pem(), "auth.private-key-file", keyFile.toString())
                .entrySet()) {
            Map<String, String> c = new HashMap<>();
            c.put(P + "type", "github");
            c.put(P + "base-url", server.baseUrl() + "/api/v3");
            c.put(P + "auth.app-id", "1234");
            c.put(P + "auth.installation-id", "77");
            c.put(P + key.getKey(), key.getValue());
            try (IssueTrackerAdapter issues = new GitHubIssuesProvider().create("gh", new TestContext(c).context())) {
                Issue issue = issues.create(NewIssue.builder("acme/app", "Broken")
                        .body("It **broke**")
                        .labels("incident")
                        .assignee("octocat")
                        .build());
                assertThat(issue.id()).isEqualTo("acme/app#7");
                assertThat(issue.assignee()).isEqualTo("octocat");
            }
        }
        server.verify(2, postRequestedFor(urlEqualTo("/api/v3/app/installations/77/access_tokens")));
        server.verify(
                2,
                postRequestedFor(urlEqualTo("/api/v3/repos/acme/app/issues"))
                        .withRequestBody(equalToJson("{\"title\":\"Broken\",\"body\":\"It **broke**\","
                                + "\"labels\":[\"incident\"],\"assignees\":[\"octocat\"]}")));
    }

    @Test
    void searchWithTextUsesTheSearchApiAndFollowsGhesLinks() {
        String base = server.baseUrl() + "/api/v3";
        server.stubFor(get(urlPathEqualTo("/api/v3/search/issues"))
                .withQueryParam("page", absent())
                .willReturn(okJson("{\"total_count\":2,\"incomplete_results\":false,\"items\":[{\"number\":2,"
                                + "\"title\":\"kraken 2\",\"state\":\"open\",\"labels\":[]}]}")
                        .withHeader("Link", "<" + base + "/search/issues?q=x&page=2>; rel=\"next\"")));
        server.stubFor(get(urlPathEqualTo("/api/v3/search/issues"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"total_count\":2,\"incomplete_results\":false,\"items\":[{\"number\":1,"
                        + "\"title\":\"kraken 1\",\"state\":\"closed\",\"state_reason\":\"not_planned\","
                        + "\"labels\":[]}]}")));
        try (IssueTrackerAdapter issues =
                new GitHubIssuesProvider().create("gh", new TestContext(tokenConfig(base)).context())) {
            List<Issue> found = issues.search(new IssueQuery("acme/app", null, List.of("bug"), "kraken"))
                    .collect(Collectors.toList());
            assertThat(found).extracting(Issue::id).containsExactly("acme/app#2", "acme/app#1");
            assertThat(found.get(1).status()).isEqualTo("not_planned");
        }
        LoggedRequest first = server.findAll(getRequestedFor(urlPathEqualTo("/api/v3/search/issues")))
                .get(0);
        assertThat(first.queryParameter("q").firstValue()).isEqualTo("repo:acme/app is:issue label:\"bug\" kraken");
        assertThat(first.queryParameter("per_page").firstValue()).isEqualTo("2");
    }

    // ---- rate limits, through the plumbing ----

    @Test
    void aSecondaryRateLimitIsWaitedOutAsRetryAfterSaysThenTheCallSucceeds() {
        server.stubFor(get("/repos/acme/app/actions/runs/9")
                .inScenario("secondary")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("Retry-After", "60")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes"
                                + " before you try again.\",\"documentation_url\":\"https://docs.github.com/rest/using"
                                + "-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits\"}"))
                .willSetStateTo("served"));
        server.stubFor(get("/repos/acme/app/actions/runs/9")
                .inScenario("secondary")
                .whenScenarioStateIs("served")
                .willReturn(okJson(run(9, "in_progress", null, "2026-03-01T10:00:00Z"))));
        TestContext context = new TestContext(tokenConfig(server.baseUrl()));
        try (CiAdapter ci = new GitHubActionsProvider().create("gh", context.context())) {
            assertThat(ci.status("acme/app/9").status()).isEqualTo(CiStatus.RUNNING);
        }
        // The governor blocks the credential until Retry-After has passed, measured on the platform clock.
        assertThat(context.waits).singleElement().satisfies(wait -> assertThat(wait)
                .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60)));
        server.verify(2, getRequestedFor(urlEqualTo("/repos/acme/app/actions/runs/9")));
    }

    // ---- settings ----

    @Test
    void validationCollectsEveryProblemWithSecretsRedacted() {
        Map<String, String> c = Map.of(
                P + "type", "github",
                P + "base-url", "ftp://example.com",
                P + "auth.type", "github-app",
                P + "auth.private-key", "-----BEGIN PRIVATE KEY-----\nnotakey\n-----END PRIVATE KEY-----",
                P + "page-size", "500",
                P + "actions.poll-interval", "soon");
        assertThatThrownBy(() -> new GitHubActionsProvider().validate("gh", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains(
                                    P + "base-url",
                                    P + "auth.app-id",
                                    P + "auth.installation-id",
                                    P + "auth.private-key",
                                    P + "page-size",
                                    P + "actions.poll-interval");
                    assertThat(e.getMessage()).doesNotContain("notakey");
                });
    }

    @Test
    void theDefaultBaseUrlIsGithubComAndBothProvidersAreRegistered() {
        assertThat(dev.scaleplane.adapters.github.internal.GitHubSettings.read(
                                "gh", new TestContext(Map.of(P + "auth.token", TOKEN)).config())
                        .http()
                        .baseUri())
                .hasToString("https://api.github.com");
        assertThat(ServiceLoader.load(dev.scaleplane.api.spi.CiAdapterProvider.class).stream()
                        .map(p -> p.get().name()))
                .containsExactly("github");
        assertThat(ServiceLoader.load(dev.scaleplane.api.spi.IssueTrackerAdapterProvider.class).stream()
                        .map(p -> p.get().name()))
                .containsExactly("github");
    }
}
