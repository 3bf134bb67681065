package dev.scaleplane.adapters.linear;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.adapters.linear.internal.Documents;
import dev.scaleplane.adapters.linear.internal.LinearSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * What the kit does not cover, asserting the exact requests sent to the Linear simulation (and to plain WireMock stubs
 * in Linear's error shapes): the GraphQL documents and variables, headers for an API key and for an OAuth token, lazy
 * Relay-cursor pages, caching of lookups, retries of queries but not of mutations, the governor on Linear's budgets,
 * Linear's errors as typed exceptions without the key, and settings validation.
 */
class LinearAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.lin.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeLinear linear;

    @BeforeEach
    void start() {
        linear = FakeLinear.launch();
    }

    @AfterEach
    void stop() {
        linear.shutdown();
    }

    private static Map<String, String> config(String baseUrl) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "linear");
        c.put(P + "base-url", baseUrl);
        c.put(P + "auth.token", FakeLinear.KEY);
        c.put(P + "page-size", "2");
        return c;
    }

    private IssueTrackerAdapter adapter(TestContext context) {
        linear.clock(context.clock::instant);
        return new LinearProvider().create("lin", context.context());
    }

    /** The GraphQL requests the simulation received, oldest first. */
    private List<LoggedRequest> sent() {
        return linear.server().findAll(postRequestedFor(urlEqualTo("/graphql")));
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + request.getBodyAsString(), e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Asserts a request is exactly {@code {"query": document, "variables": variables}}. */
    private static void assertGraphQl(LoggedRequest request, String document, String variables) {
        JsonNode body = body(request);
        assertThat(body.size()).as("members of the body").isEqualTo(2);
        assertThat(body.path("query").asText()).isEqualTo(document);
        assertThat(body.path("variables")).isEqualTo(json(variables));
    }

    // ---- the requests sent ----

    @Test
    void createSendsTheDocumentedOperationsWithTheRawApiKeyAndReusesItsLookups() {
        TestContext context = new TestContext(config(linear.baseUrl()));
        Issue issue;
        try (IssueTrackerAdapter adapter = adapter(context)) {
            issue = adapter.create(NewIssue.builder("ENG", "Deploy of api failed")
                    .body("It **broke** on `main`")
                    .labels("incident", "flaky")
                    .assignee(FakeLinear.USER_ID)
                    .build());
            adapter.create(NewIssue.builder("ENG", "Again").labels("FLAKY").build());
        }
        assertThat(issue.id()).isEqualTo("ENG-1");
        assertThat(issue.project()).isEqualTo("ENG");
        assertThat(issue.state()).isEqualTo(IssueState.OPEN);
        assertThat(issue.status()).isEqualTo("Todo");
        assertThat(issue.labels()).containsExactly("incident", "flaky");
        assertThat(issue.assignee()).isEqualTo(FakeLinear.USER_ID);
        assertThat(issue.url()).hasToString("https://linear.app/simulated/issue/ENG-1/deploy-of-api-failed");
        assertThat(linear.body("ENG-1")).isEqualTo("It **broke** on `main`");
        assertThat(linear.teamLabels("ENG")).containsExactly("flaky");

        List<LoggedRequest> sent = sent();
        assertThat(sent).hasSize(5).allSatisfy(r -> {
            assertThat(r.getHeader("Authorization")).isEqualTo(FakeLinear.KEY);
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        });
        String eng = linear.teamId("ENG");
        String incident = linear.labelId(null, "incident");
        String flaky = linear.labelId("ENG", "flaky");
        assertGraphQl(sent.get(0), Documents.TEAM_BY_KEY, "{\"key\":\"ENG\"}");
        assertGraphQl(
                sent.get(1),
                Documents.LABELS,
                """
                {"filter": {"and": [
                   {"or": [{"name": {"eqIgnoreCase": "incident"}}, {"name": {"eqIgnoreCase": "flaky"}}]},
                   {"or": [{"team": {"id": {"eq": "%s"}}}, {"team": {"null": true}}]}]},
                 "first": 250}"""
                        .formatted(eng));
        assertGraphQl(
                sent.get(2),
                Documents.CREATE_LABEL,
                """
                {"input": {"name": "flaky", "teamId": "%s"}}""".formatted(eng));
        assertThat(body(sent.get(3)).path("query").asText())
                .startsWith("mutation CreateIssue($input: IssueCreateInput!) {\n"
                        + "  issueCreate(input: $input) {\n    success\n    issue { ...IssueFields }\n");
        assertGraphQl(
                sent.get(3),
                Documents.CREATE_ISSUE,
                """
                {"input": {"teamId": "%s", "title": "Deploy of api failed", "description": "It **broke** on `main`",
                           "labelIds": ["%s", "%s"], "assigneeId": "%s"}}"""
                        .formatted(eng, incident, flaky, FakeLinear.USER_ID));
        // The team and the label (matched ignoring case) come from the cache: one request for the second issue.
        assertGraphQl(
                sent.get(4),
                Documents.CREATE_ISSUE,
                """
                {"input": {"teamId": "%s", "title": "Again", "labelIds": ["%s"]}}"""
                        .formatted(eng, flaky));
    }

    @Test
    void anOAuthAccessTokenIsSentAsBearer() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        Map<String, String> c = config(linear.baseUrl());
        c.put(P + "auth.type", "bearer");
        c.put(P + "auth.token", FakeLinear.OAUTH_TOKEN);
        try (IssueTrackerAdapter adapter = adapter(new TestContext(c))) {
            assertThat(adapter.find("ENG-1"))
                    .hasValueSatisfying(i -> assertThat(i.title()).isEqualTo("kraken 1"));
        }
        assertThat(sent()).singleElement().satisfies(r -> {
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + FakeLinear.OAUTH_TOKEN);
            assertGraphQl(r, Documents.ISSUE, "{\"id\":\"ENG-1\"}");
        });
    }

    @Test
    void updateCommentCloseAndTransitionSendLinearsIdsAndTheStateIds() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        try (IssueTrackerAdapter adapter = adapter(new TestContext(config(linear.baseUrl())))) {
            assertThat(adapter.update("ENG-1", "Renamed", "New *body*").title()).isEqualTo("Renamed");
            String commentId = adapter.comment("ENG-1", "Failed **again**");
            assertThat(commentId).isNotBlank();
            Issue moving = adapter.transition("ENG-1", "In Progress");
            assertThat(moving.status()).isEqualTo("In Progress");
            assertThat(moving.state()).isEqualTo(IssueState.OPEN);
            assertThat(adapter.transition("ENG-1", "in review").status()).isEqualTo("In Review");
            Issue closed = adapter.close("ENG-1");
            assertThat(closed.status()).isEqualTo("Done");
            assertThat(closed.state()).isEqualTo(IssueState.CLOSED);
            assertThat(adapter.transition("ENG-1", "Canceled").state()).isEqualTo(IssueState.CLOSED);
        }
        String uuid = linear.uuidOf("ENG-1");
        List<LoggedRequest> sent = sent();
        assertThat(sent).hasSize(8);
        // The identifier is resolved to Linear's id once; commentCreate takes the identifier as it is.
        assertGraphQl(sent.get(0), Documents.ISSUE, "{\"id\":\"ENG-1\"}");
        assertGraphQl(
                sent.get(1),
                Documents.UPDATE_ISSUE,
                """
                {"id": "%s", "input": {"title": "Renamed", "description": "New *body*"}}"""
                        .formatted(uuid));
        assertGraphQl(
                sent.get(2),
                Documents.CREATE_COMMENT,
                """
                {"input": {"issueId": "ENG-1", "body": "Failed **again**"}}""");
        assertGraphQl(sent.get(3), Documents.TEAM_BY_KEY, "{\"key\":\"ENG\"}");
        assertGraphQl(
                sent.get(4),
                Documents.UPDATE_ISSUE,
                """
                {"id": "%s", "input": {"stateId": "%s"}}"""
                        .formatted(uuid, linear.stateId("ENG", "In Progress")));
        assertGraphQl(
                sent.get(5),
                Documents.UPDATE_ISSUE,
                """
                {"id": "%s", "input": {"stateId": "%s"}}"""
                        .formatted(uuid, linear.stateId("ENG", "In Review")));
        assertGraphQl(
                sent.get(6),
                Documents.UPDATE_ISSUE,
                """
                {"id": "%s", "input": {"stateId": "%s"}}"""
                        .formatted(uuid, linear.stateId("ENG", "Done")));
        assertThat(linear.comments("ENG-1")).containsExactly("Failed **again**");
        assertThat(linear.stateOf("ENG-1")).isEqualTo("Canceled");
    }

    @Test
    void aStateAddedSinceTheCacheIsFoundAndAnUnknownOneIsRefusedListingTheStates() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        try (IssueTrackerAdapter adapter = adapter(new TestContext(config(linear.baseUrl())))) {
            adapter.transition("ENG-1", "In Progress");
            linear.addState("ENG", "Blocked", "started");
            assertThat(adapter.transition("ENG-1", "Blocked").status()).isEqualTo("Blocked");
            int before = linear.requestCount();
            assertThatThrownBy(() -> adapter.transition("ENG-1", "teleport"))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.system()).isEqualTo("linear");
                        assertThat(e.status()).isZero();
                        assertThat(e.serverMessage())
                                .isEqualTo("Linear team ENG has no workflow state 'teleport'; its states are Backlog,"
                                        + " Todo, In Progress, In Review, Done, Canceled, Duplicate, Blocked");
                    });
            // One fresh look at the team's states before refusing, and no mutation.
            assertThat(linear.requestCount() - before).isEqualTo(1);
        }
        assertThat(linear.stateOf("ENG-1")).isEqualTo("Blocked");
    }

    @Test
    void lookupsAreReusedForTheCacheTtlThenLookedUpAgain() {
        TestContext context = new TestContext(config(linear.baseUrl()));
        try (IssueTrackerAdapter adapter = adapter(context)) {
            adapter.create(NewIssue.builder("ENG", "One").build());
            adapter.create(NewIssue.builder("ENG", "Two").build());
            context.clock.advance(Duration.ofMinutes(10));
            adapter.create(NewIssue.builder("ENG", "Three").build());
        }
        assertThat(sent())
                .extracting(r -> body(r).path("query").asText())
                .containsExactly(
                        Documents.TEAM_BY_KEY,
                        Documents.CREATE_ISSUE,
                        Documents.CREATE_ISSUE,
                        Documents.TEAM_BY_KEY,
                        Documents.CREATE_ISSUE);
    }

    @Test
    void upsertKeepsTheKeyInALabelOfTheTeamAndFindsTheOpenIssueByIt() {
        NewIssue template = NewIssue.builder("ENG", "Nightly build broken").build();
        String longKey = "x".repeat(80);
        try (IssueTrackerAdapter adapter = adapter(new TestContext(config(linear.baseUrl())))) {
            Issue first = adapter.upsert("nightly-build", template, "Failed again");
            assertThat(first.labels()).containsExactly("scaleplane-key:nightly-build");
            linear.server().resetRequests();
            assertThat(adapter.upsert("nightly-build", template, "Failed again").id())
                    .isEqualTo(first.id());
            assertGraphQl(
                    sent().get(0),
                    Documents.ISSUES,
                    """
                    {"filter": {"team": {"key": {"eq": "ENG"}},
                                "state": {"type": {"nin": ["completed", "canceled", "duplicate"]}},
                                "labels": {"some": {"name": {"eq": "scaleplane-key:nightly-build"}}}},
                     "first": 2}""");
            assertGraphQl(
                    sent().get(1),
                    Documents.CREATE_COMMENT,
                    """
                    {"input": {"issueId": "%s", "body": "Failed again"}}"""
                            .formatted(first.id()));
            assertThat(adapter.upsert(longKey, template, "again").labels())
                    .singleElement()
                    .asString()
                    .startsWith("scaleplane-key:")
                    .hasSize("scaleplane-key:".length() + 32);
        }
        assertThat(linear.teamLabels("ENG")).hasSize(2).contains("scaleplane-key:nightly-build");
    }

    @Test
    void missingLabelsAreRefusedNamingThemWhenCreationIsOff() {
        Map<String, String> c = config(linear.baseUrl());
        c.put(P + "create-missing-labels", "false");
        try (IssueTrackerAdapter adapter = adapter(new TestContext(c))) {
            assertThatThrownBy(() -> adapter.create(NewIssue.builder("ENG", "Labelled")
                            .labels("incident", "nope")
                            .build()))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("Linear team ENG has no label nope; create it in Linear, or set"
                                    + " scaleplane.adapters.lin.create-missing-labels=true"));
        }
        assertThat(sent())
                .extracting(r -> body(r).path("query").asText())
                .containsExactly(Documents.TEAM_BY_KEY, Documents.LABELS);
        assertThat(linear.issueCount("ENG")).isZero();
        assertThat(linear.teamLabels("ENG")).isEmpty();
    }

    // ---- pagination ----

    @Test
    void searchFollowsRelayCursorsLazilyAcrossFourPages() {
        linear.seedIssues("ENG", 7, "flaky", "kraken");
        linear.seedIssues("ENG", 2, "other", "kraken");
        try (IssueTrackerAdapter adapter = adapter(new TestContext(config(linear.baseUrl())))) {
            Stream<Issue> found = adapter.search(new IssueQuery("ENG", IssueState.OPEN, List.of("flaky"), "Kraken"));
            assertThat(linear.requestCount())
                    .as("requests before the stream is used")
                    .isZero();
            Iterator<Issue> it = found.iterator();
            it.next();
            assertThat(linear.requestCount()).as("requests for the first issue").isEqualTo(1);
            List<Issue> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            assertThat(all).hasSize(6).allSatisfy(i -> assertThat(i.labels()).contains("flaky"));
        }
        // Each page's request carries the end cursor of the page before: follow that chain from the first page.
        List<ServeEvent> events = new ArrayList<>(linear.server().getAllServeEvents());
        events.sort(Comparator.comparing(e -> body(LoggedRequest.createFrom(e.getRequest()))
                        .at("/variables/after")
                        .isMissingNode()
                ? 0
                : 1));
        assertThat(events).hasSize(4);
        for (int page = 1; page < events.size(); page++) {
            String previousEnd = json(events.get(page - 1).getResponse().getBodyAsString())
                    .at("/data/issues/pageInfo/endCursor")
                    .asText();
            for (int later = page; later < events.size(); later++) {
                if (body(LoggedRequest.createFrom(events.get(later).getRequest()))
                        .at("/variables/after")
                        .asText()
                        .equals(previousEnd)) {
                    events.add(page, events.remove(later));
                    break;
                }
            }
        }
        String filter =
                """
                {"team": {"key": {"eq": "ENG"}},
                 "state": {"type": {"nin": ["completed", "canceled", "duplicate"]}},
                 "and": [{"labels": {"some": {"name": {"eqIgnoreCase": "flaky"}}}},
                         {"or": [{"title": {"containsIgnoreCase": "Kraken"}},
                                 {"description": {"containsIgnoreCase": "Kraken"}}]}]}""";
        String cursor = null;
        for (int page = 0; page < events.size(); page++) {
            LoggedRequest request = LoggedRequest.createFrom(events.get(page).getRequest());
            String variables = "{\"filter\": " + filter + ", \"first\": 2"
                    + (cursor == null ? "" : ", \"after\": \"" + cursor + "\"") + "}";
            assertGraphQl(request, Documents.ISSUES, variables);
            JsonNode pageInfo =
                    json(events.get(page).getResponse().getBodyAsString()).at("/data/issues/pageInfo");
            assertThat(pageInfo.path("hasNextPage").asBoolean()).isEqualTo(page < 3);
            cursor = pageInfo.path("endCursor").asText();
        }
    }

    // ---- retries ----

    @Test
    void aQueryIsRetriedAfterA5xxButAMutationNever() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        TestContext context = new TestContext(config(linear.baseUrl()));
        try (IssueTrackerAdapter adapter = adapter(context)) {
            linear.failNext(502, null);
            assertThat(adapter.find("ENG-1")).isPresent();
            assertThat(linear.requestCount()).isEqualTo(2);
            assertThat(context.waits).hasSize(1);

            linear.failNext(502, null);
            assertThatThrownBy(() -> adapter.comment("ENG-1", "lost?"))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.method()).isEqualTo("POST");
                        assertThat(e.path()).isEqualTo("/graphql");
                        assertThat(e.serverMessage()).isEqualTo("Internal server error");
                    });
            assertThat(linear.requestCount()).isEqualTo(3);
            assertThat(context.waits).hasSize(1);
        }
        assertThat(linear.comments("ENG-1")).isEmpty();
    }

    // ---- rate limits ----

    @Test
    void theGovernorWaitsOnRemainingZeroUntilTheResetOfEitherBudget() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        TestContext context = new TestContext(config(linear.baseUrl()));
        try (IssueTrackerAdapter adapter = adapter(context)) {
            linear.exhaustRequestsUntil(FakeLinear.EPOCH.plusSeconds(45));
            adapter.find("ENG-1");
            assertThat(context.waits).isEmpty();
            adapter.find("ENG-1");
            assertThat(context.waits).containsExactly(Duration.ofSeconds(45));

            Instant now = context.clock.instant();
            linear.exhaustComplexityUntil(now.plusSeconds(120));
            adapter.find("ENG-1");
            adapter.find("ENG-1");
            assertThat(context.waits).containsExactly(Duration.ofSeconds(45), Duration.ofSeconds(120));
        }
        assertThat(linear.requestCount()).isEqualTo(4);
    }

    @Test
    void ratelimitedIsARateLimitedExceptionCarryingTheResetAndLaterCallsWaitForIt() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        TestContext context = new TestContext(config(linear.baseUrl()));
        try (IssueTrackerAdapter adapter = adapter(context)) {
            linear.rateLimitNext(FakeLinear.EPOCH.plusSeconds(90));
            assertThatThrownBy(() ->
                            adapter.create(NewIssue.builder("ENG", "Refused").build()))
                    .isInstanceOfSatisfying(AdapterRateLimitedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
                        assertThat(e.serverMessage()).startsWith("Rate limit exceeded");
                    });
            assertThat(linear.requestCount()).isEqualTo(1);
            assertThat(adapter.find("ENG-1")).isPresent();
            assertThat(context.waits).containsExactly(Duration.ofSeconds(90));

            // A 429 naming its wait is repeated after it, even for a mutation: Linear did not act on it.
            linear.failNext(429, Duration.ofSeconds(20));
            assertThat(adapter.comment("ENG-1", "after the wait")).isNotBlank();
            assertThat(context.waits).containsExactly(Duration.ofSeconds(90), Duration.ofSeconds(20));
        }
        assertThat(linear.comments("ENG-1")).containsExactly("after the wait");
    }

    // ---- errors ----

    @Test
    void aRefusedKeyFailsAtOnceAndTheKeyIsInNeitherTheMessageNorTheLogs() {
        String wrongKey = "lin_api_WRONG000000000000000000000000000topsecret";
        Map<String, String> c = config(linear.baseUrl());
        c.put(P + "auth.token", wrongKey);
        AdapterException[] thrown = new AdapterException[1];
        String logs = captureLogs(() -> {
            try (IssueTrackerAdapter adapter = adapter(new TestContext(c))) {
                adapter.create(NewIssue.builder("ENG", "Refused").build());
            } catch (AdapterException e) {
                thrown[0] = e;
            }
        });
        assertThat(thrown[0]).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.serverMessage())
                    .isEqualTo("Authentication required, not authenticated (You need to authenticate to access this"
                            + " operation.)");
            assertThat(e.getMessage()).doesNotContain(wrongKey);
        });
        assertThat(linear.requestCount()).isEqualTo(1);
        assertThat(logs).contains("Authorization: ****").doesNotContain(wrongKey);
    }

    @Test
    void errorsInsideA200AreTypedWithLinearsMessageAndNeverEchoTheKey() {
        WireMockServer server =
                new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        try {
            stubError(
                    server,
                    "Q1",
                    200,
                    "Authentication required, not authenticated: " + FakeLinear.KEY,
                    "authentication error",
                    "AUTHENTICATION_ERROR");
            stubError(server, "Q2", 200, "Forbidden", "forbidden", "FORBIDDEN");
            stubError(
                    server,
                    "Q3",
                    400,
                    "Cannot query field \"nope\" on type \"Issue\".",
                    "graphql error",
                    "GRAPHQL_VALIDATION_FAILED");
            stubError(server, "Q4", 200, "lock timeout", "lock timeout", "LOCK_TIMEOUT");
            try (IssueTrackerAdapter adapter = adapter(new TestContext(config(server.baseUrl())))) {
                assertThatThrownBy(() -> adapter.find("Q1-1"))
                        .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                            assertThat(e.status()).isEqualTo(200);
                            assertThat(e.serverMessage()).isEqualTo("Authentication required, not authenticated: ****");
                            assertThat(e.getMessage()).doesNotContain(FakeLinear.KEY);
                        });
                assertThatThrownBy(() -> adapter.find("Q2-1")).isInstanceOf(AdapterAuthenticationException.class);
                assertThatThrownBy(() -> adapter.find("Q3-1"))
                        .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.serverMessage()).isEqualTo("Cannot query field \"nope\" on type \"Issue\".");
                        });
                assertThatThrownBy(() -> adapter.find("Q4-1")).isInstanceOf(AdapterUnavailableException.class);
            }
            // Answers with errors are answers: nothing was repeated, not even the lock timeout.
            server.verify(4, postRequestedFor(urlEqualTo("/graphql")));
        } finally {
            server.stop();
        }
    }

    private static void stubError(
            WireMockServer server, String team, int status, String message, String type, String code) {
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.variables.id", equalTo(team + "-1")))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":null,\"errors\":[{\"message\":" + JSON.valueToTree(message)
                                + ",\"extensions\":{\"type\":\"" + type + "\",\"code\":\"" + code
                                + "\",\"userError\":true}}]}")));
    }

    @Test
    void linearsRefusalsBecomeNotFoundOrRefusedCarryingItsMessage() {
        linear.seedIssues("ENG", 1, "flaky", "kraken");
        try (IssueTrackerAdapter adapter = adapter(new TestContext(config(linear.baseUrl())))) {
            assertThatThrownBy(() -> adapter.update("ENG-42", "x", null))
                    .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("Entity not found: Issue (Could not find referenced Issue.)"));
            assertThatThrownBy(() -> adapter.update("ENG-1", " ", null))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("Argument Validation Error (title must not be empty.)"));
            assertThatThrownBy(
                            () -> adapter.create(NewIssue.builder("NOPE", "x").build()))
                    .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> assertThat(e.serverMessage())
                            .startsWith("Linear has no team with key 'NOPE'"));
            linear.failNext(403, null);
            assertThatThrownBy(() -> adapter.find("ENG-1"))
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> assertThat(e.status())
                            .isEqualTo(403));
            assertThatThrownBy(() -> adapter.find("eng 1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected a Linear issue identifier as TEAM-number, e.g. ENG-123, but was 'eng 1'");
        }
    }

    // ---- settings ----

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithoutSecrets() {
        Map<String, String> c = Map.of(
                P + "type", "linear",
                P + "base-url", "ftp://linear.example",
                P + "auth.type", "basic",
                P + "page-size", "500",
                P + "cache-ttl", "soon",
                P + "create-missing-labels", "maybe");
        assertThatThrownBy(() -> new LinearProvider().validate("lin", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                P + "base-url",
                                P + "auth.type",
                                P + "auth.token",
                                P + "page-size",
                                P + "cache-ttl",
                                P + "create-missing-labels"));

        String key = "lin_api_0123456789abcdefsecret";
        Map<String, String> bearerKey = Map.of(P + "auth.token", "Bearer " + key);
        assertThatThrownBy(() -> new LinearProvider().validate("lin", new TestContext(bearerKey).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.key()).isEqualTo(P + "auth.token");
                        assertThat(p.value()).isNotNull().doesNotContain(key);
                    });
                    assertThat(e.getMessage()).doesNotContain(key);
                });
    }

    @Test
    void defaultsAreLinearsApiWithAnApiKeyAndTheProviderIsRegistered() {
        LinearSettings settings =
                LinearSettings.read("lin", new TestContext(Map.of(P + "auth.token", FakeLinear.KEY)).config());
        assertThat(settings.http().baseUri()).isEqualTo(URI.create("https://api.linear.app"));
        assertThat(settings.http().authType()).isEqualTo(AdapterSettings.AuthType.LINEAR_API_KEY);
        assertThat(settings.pageSize()).isEqualTo(50);
        assertThat(settings.createMissingLabels()).isTrue();
        assertThat(settings.cacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.toString()).doesNotContain(FakeLinear.KEY);
        assertThat(ServiceLoader.load(IssueTrackerAdapterProvider.class).stream()
                        .map(p -> p.get().name())
                        .collect(Collectors.toList()))
                .containsExactly("linear");
    }

    /** Runs {@code action} and returns what it printed to System.err, where slf4j-simple logs. */
    private static String captureLogs(Runnable action) {
        return CapturedOutput.of(action);
    }
}
