package dev.scaleplane.adapters.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.jira.internal.JiraSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the kit does not cover, asserting the exact requests against WireMock stubs in the shapes of
 * developer.atlassian.com (and against {@link FakeJira} where state matters): Basic auth with email and API token,
 * OAuth bearer through the gateway, ADF bodies, transitions, the enhanced search's {@code nextPageToken} over three
 * pages, upsert against a lagging index, 429 with {@code Retry-After}, 5xx retried on GET only, 401 without the
 * token anywhere, and settings validation.
 */
class JiraAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.jira.";
    private static final String EMAIL = "ops-bot@acme.example";
    private static final String TOKEN = "ATATT3xFfGF0requestsTestSecret0042";
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String FIELDS = "summary,status,labels,assignee,project";
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private Map<String, String> config(String baseUrl) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "jira");
        c.put(P + "base-url", baseUrl);
        c.put(P + "auth.username", EMAIL);
        c.put(P + "auth.token", TOKEN);
        c.put(P + "page-size", "2");
        return c;
    }

    private IssueTrackerAdapter adapter(TestContext context) {
        return new JiraProvider().create("jira", context.context());
    }

    private IssueTrackerAdapter adapter() {
        return adapter(new TestContext(config(server.baseUrl())));
    }

    private static MappingBuilder signed(MappingBuilder b) {
        return b.withHeader("Authorization", equalTo(BASIC)).withHeader("Accept", equalTo("application/json"));
    }

    /** An issue bean as {@code GET /rest/api/3/issue/{key}} answers it, with the fields this adapter asks for. */
    private static String issue(String key, String summary, String status, String category, String labels) {
        return "{\"id\":\"" + (10_000 + Integer.parseInt(key.substring(key.indexOf('-') + 1))) + "\",\"key\":\""
                + key + "\",\"self\":\"https://acme.atlassian.net/rest/api/3/issue/10001\",\"fields\":{\"summary\":\""
                + summary + "\",\"status\":{\"name\":\"" + status + "\",\"id\":\"1\",\"statusCategory\":{\"id\":2,"
                + "\"key\":\"" + category + "\",\"name\":\"x\"}},\"labels\":" + labels + ",\"assignee\":"
                + "{\"accountId\":\"5b10a2844c20165700ede21g\",\"displayName\":\"Ops Bot\"},\"project\":{\"key\":\"OPS\","
                + "\"name\":\"Operations\"}}}";
    }

    private static String transition(String id, String name, String category) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"to\":{\"name\":\"" + name + "\",\"id\":\"9" + id
                + "\",\"statusCategory\":{\"id\":3,\"key\":\"" + category + "\",\"name\":\"x\"}},\"hasScreen\":false,"
                + "\"isGlobal\":true,\"isInitial\":false,\"isAvailable\":true,\"isConditional\":false}";
    }

    // ---- create, update, comment ----

    @Test
    void createPostsTheDocumentedFieldsWithAnAdfDescriptionThenReadsTheIssue() {
        server.stubFor(signed(post("/rest/api/3/issue"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"10007\",\"key\":\"OPS-7\",\"self\":\"https://acme.atlassian.net/rest/api/3"
                                + "/issue/10007\"}")));
        server.stubFor(signed(get("/rest/api/3/issue/OPS-7?fields=" + FIELDS.replace(",", "%2C")))
                .willReturn(okJson(issue("OPS-7", "Deploy failed", "To Do", "new", "[\"incident\"]"))));
        Issue created;
        try (IssueTrackerAdapter jira = adapter()) {
            created = jira.create(NewIssue.builder("OPS", "Deploy failed")
                    .body("It **broke** on `eu-west`\n\n- see [run](https://ci.example/1)")
                    .labels("incident")
                    .assignee("5b10a2844c20165700ede21g")
                    .build());
        }
        assertThat(created.id()).isEqualTo("OPS-7");
        assertThat(created.project()).isEqualTo("OPS");
        assertThat(created.state()).isEqualTo(IssueState.OPEN);
        assertThat(created.status()).isEqualTo("To Do");
        assertThat(created.labels()).containsExactly("incident");
        assertThat(created.assignee()).isEqualTo("5b10a2844c20165700ede21g");
        assertThat(created.url()).hasToString(server.baseUrl() + "/browse/OPS-7");
        server.verify(
                1,
                postRequestedFor(urlEqualTo("/rest/api/3/issue"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("{\"fields\":{"
                                + "\"project\":{\"key\":\"OPS\"},"
                                + "\"summary\":\"Deploy failed\","
                                + "\"description\":{\"type\":\"doc\",\"version\":1,\"content\":["
                                + "  {\"type\":\"paragraph\",\"content\":["
                                + "    {\"type\":\"text\",\"text\":\"It \"},"
                                + "    {\"type\":\"text\",\"text\":\"broke\",\"marks\":[{\"type\":\"strong\"}]},"
                                + "    {\"type\":\"text\",\"text\":\" on \"},"
                                + "    {\"type\":\"text\",\"text\":\"eu-west\",\"marks\":[{\"type\":\"code\"}]}]},"
                                + "  {\"type\":\"bulletList\",\"content\":[{\"type\":\"listItem\",\"content\":["
                                + "    {\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"see \"},"
                                + "      {\"type\":\"text\",\"text\":\"run\",\"marks\":[{\"type\":\"link\","
                                + "        \"attrs\":{\"href\":\"https://ci.example/1\"}}]}]}]}]}]},"
                                + "\"issuetype\":{\"name\":\"Task\"},"
                                + "\"labels\":[\"incident\"],"
                                + "\"assignee\":{\"accountId\":\"5b10a2844c20165700ede21g\"}}}")));
        assertThat(server.getAllServeEvents()).hasSize(2);
    }

    @Test
    void createWithoutBodyLabelsOrAssigneeSendsOnlyWhatThereIsAndTheConfiguredIssueType() {
        server.stubFor(post("/rest/api/3/issue")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"10001\",\"key\":\"OPS-1\",\"self\":\"x\"}")));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-1"))
                .willReturn(okJson(issue("OPS-1", "Bare", "To Do", "new", "[]"))));
        Map<String, String> c = config(server.baseUrl());
        c.put(P + "issue-type", "Bug");
        try (IssueTrackerAdapter jira = adapter(new TestContext(c))) {
            jira.create(NewIssue.builder("OPS", "Bare").build());
        }
        server.verify(postRequestedFor(urlEqualTo("/rest/api/3/issue"))
                .withRequestBody(equalToJson("{\"fields\":{\"project\":{\"key\":\"OPS\"},\"summary\":\"Bare\","
                        + "\"issuetype\":{\"name\":\"Bug\"}}}")));
    }

    @Test
    void updatePutsOnlyTheGivenFieldsAndABlankBodyClearsTheDescription() {
        server.stubFor(
                signed(put("/rest/api/3/issue/OPS-3")).willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-3"))
                .willReturn(okJson(issue("OPS-3", "Renamed", "In Progress", "indeterminate", "[]"))));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThat(jira.update("OPS-3", "Renamed", null).title()).isEqualTo("Renamed");
            jira.update("OPS-3", null, "## New\n\nbody");
            jira.update("OPS-3", null, "  ");
            jira.update("OPS-3", null, null);
        }
        List<LoggedRequest> puts = server.findAll(putRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-3")));
        assertThat(puts).hasSize(3);
        assertThat(puts.get(0).getBodyAsString()).isEqualTo("{\"fields\":{\"summary\":\"Renamed\"}}");
        assertThat(puts.get(1).getBodyAsString())
                .isEqualTo("{\"fields\":{\"description\":{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":"
                        + "\"heading\",\"attrs\":{\"level\":2},\"content\":[{\"type\":\"text\",\"text\":\"New\"}]},"
                        + "{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"body\"}]}]}}}");
        assertThat(puts.get(2).getBodyAsString()).isEqualTo("{\"fields\":{\"description\":null}}");
        // Nothing to change: only the read.
        server.verify(4, getRequestedFor(urlPathEqualTo("/rest/api/3/issue/OPS-3")));
    }

    @Test
    void commentPostsAnAdfBodyAndReturnsTheCommentId() {
        server.stubFor(signed(post("/rest/api/3/issue/OPS-3/comment"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"self\":\"x\",\"id\":\"10042\",\"body\":{\"type\":\"doc\",\"version\":1,"
                                + "\"content\":[]},\"created\":\"2026-03-01T10:00:00.000+0000\"}")));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThat(jira.comment("OPS-3", "Failed *again*:\n```\nexit 1\n```"))
                    .isEqualTo("10042");
        }
        server.verify(postRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-3/comment"))
                .withRequestBody(equalToJson("{\"body\":{\"type\":\"doc\",\"version\":1,\"content\":["
                        + "{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"Failed \"},"
                        + "{\"type\":\"text\",\"text\":\"again\",\"marks\":[{\"type\":\"em\"}]},"
                        + "{\"type\":\"text\",\"text\":\":\"}]},"
                        + "{\"type\":\"codeBlock\",\"content\":[{\"type\":\"text\",\"text\":\"exit 1\"}]}]}}")));
    }

    // ---- transitions and close ----

    @Test
    void transitionListsTheTransitionsThenPostsTheIdOfTheOneNamed() {
        server.stubFor(signed(get("/rest/api/3/issue/OPS-3/transitions"))
                .willReturn(okJson("{\"expand\":\"transitions\",\"transitions\":["
                        + transition("21", "Start Progress", "indeterminate") + ","
                        + transition("51", "Code Review", "indeterminate") + ","
                        + transition("31", "Done", "done") + "]}")));
        server.stubFor(signed(post("/rest/api/3/issue/OPS-3/transitions"))
                .willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-3"))
                .willReturn(okJson(issue("OPS-3", "x", "Code Review", "indeterminate", "[]"))));
        try (IssueTrackerAdapter jira = adapter()) {
            Issue moved = jira.transition("OPS-3", "code review");
            assertThat(moved.status()).isEqualTo("Code Review");
            assertThat(moved.state()).isEqualTo(IssueState.OPEN);
        }
        server.verify(postRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-3/transitions"))
                .withRequestBody(equalToJson("{\"transition\":{\"id\":\"51\"}}")));
    }

    @Test
    void anUnknownTransitionIsRefusedNamingTheTransitionsAndNothingIsPosted() {
        server.stubFor(get("/rest/api/3/issue/OPS-3/transitions")
                .willReturn(okJson("{\"transitions\":[" + transition("21", "Start Progress", "indeterminate") + ","
                        + transition("31", "Done", "done") + "]}")));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThatThrownBy(() -> jira.transition("OPS-3", "Teleport"))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.system()).isEqualTo("jira");
                        assertThat(e.path()).isEqualTo("/rest/api/3/issue/OPS-3/transitions");
                        assertThat(e.getMessage()).contains("'Teleport'", "Start Progress, Done");
                    });
        }
        server.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void closeTakesTheFirstTransitionIntoTheDoneCategoryWhateverItsName() {
        server.stubFor(get("/rest/api/3/issue/OPS-4?fields=" + FIELDS.replace(",", "%2C") + "&expand=transitions")
                .willReturn(okJson(issue("OPS-4", "x", "In Progress", "indeterminate", "[]")
                        .replaceFirst(
                                "}$",
                                ",\"transitions\":[" + transition("11", "Back to do", "new") + ","
                                        + transition("41", "Won't Do", "done") + "," + transition("31", "Done", "done")
                                        + "]}"))));
        server.stubFor(post("/rest/api/3/issue/OPS-4/transitions")
                .willReturn(aResponse().withStatus(204)));
        server.stubFor(get("/rest/api/3/issue/OPS-4?fields=" + FIELDS.replace(",", "%2C"))
                .willReturn(okJson(issue("OPS-4", "x", "Won't Do", "done", "[]"))));
        try (IssueTrackerAdapter jira = adapter()) {
            Issue closed = jira.close("OPS-4");
            assertThat(closed.state()).isEqualTo(IssueState.CLOSED);
            assertThat(closed.status()).isEqualTo("Won't Do");
        }
        server.verify(postRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-4/transitions"))
                .withRequestBody(equalToJson("{\"transition\":{\"id\":\"41\"}}")));
    }

    @Test
    void closeLeavesAnIssueAlreadyDoneAsItIsAndRefusesWhenNoTransitionLeadsToDone() {
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-5"))
                .willReturn(okJson(issue("OPS-5", "x", "Done", "done", "[]")
                        .replaceFirst("}$", ",\"transitions\":[" + transition("11", "Reopen", "new") + "]}"))));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-6"))
                .willReturn(okJson(issue("OPS-6", "x", "Blocked", "indeterminate", "[]")
                        .replaceFirst(
                                "}$", ",\"transitions\":[" + transition("61", "Unblock", "indeterminate") + "]}"))));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThat(jira.close("OPS-5").state()).isEqualTo(IssueState.CLOSED);
            assertThatThrownBy(() -> jira.close("OPS-6"))
                    .isInstanceOf(AdapterRequestRefusedException.class)
                    .hasMessageContaining("no transition into a done status from Blocked")
                    .hasMessageContaining("Unblock");
        }
        server.verify(0, postRequestedFor(anyUrl()));
    }

    // ---- find and search ----

    @Test
    void findAsksForTheFieldsItMapsAndIsEmptyOn404() {
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-404"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Issue does not exist or you do not have permission to see"
                                + " it.\"],\"errors\":{}}")));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-2"))
                .willReturn(okJson(issue("OPS-2", "Found", "Done", "done", "[\"a\",\"b\"]"))));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThat(jira.find("OPS-404")).isEmpty();
            Issue found = jira.find("OPS-2").orElseThrow();
            assertThat(found.state()).isEqualTo(IssueState.CLOSED);
            assertThat(found.labels()).containsExactly("a", "b");
            assertThatThrownBy(() -> jira.find("not-a-key"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'not-a-key'")
                    .hasMessageContaining("OPS-123");
        }
        LoggedRequest get = server.findAll(getRequestedFor(urlPathEqualTo("/rest/api/3/issue/OPS-2")))
                .get(0);
        assertThat(get.queryParameter("fields").firstValue()).isEqualTo(FIELDS);
    }

    @Test
    void searchFollowsNextPageTokenAcrossThreePagesLazilyWithTheJqlQuotedAndEscaped() {
        String jql = "project = \"OPS\" AND statusCategory != \"Done\" AND labels = \"team-\\\"api\\\"\" AND text ~"
                + " \"disk full\" ORDER BY created DESC";
        server.stubFor(signed(get(urlPathEqualTo("/rest/api/3/search/jql")))
                .withQueryParam("jql", equalTo(jql))
                .withQueryParam("fields", equalTo(FIELDS))
                .withQueryParam("maxResults", equalTo("2"))
                .withQueryParam("nextPageToken", absent())
                .willReturn(okJson("{\"issues\":[" + issue("OPS-6", "disk full 6", "To Do", "new", "[]") + ","
                        + issue("OPS-5", "disk full 5", "To Do", "new", "[]") + "],\"nextPageToken\":\"CAEaAggD\","
                        + "\"isLast\":false}")));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/search/jql"))
                .withQueryParam("nextPageToken", equalTo("CAEaAggD"))
                .withQueryParam("jql", equalTo(jql))
                .willReturn(okJson("{\"issues\":[" + issue("OPS-4", "disk full 4", "To Do", "new", "[]") + ","
                        + issue("OPS-3", "disk full 3", "To Do", "new", "[]") + "],\"nextPageToken\":\"CAEaAggF\","
                        + "\"isLast\":false}")));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/search/jql"))
                .withQueryParam("nextPageToken", equalTo("CAEaAggF"))
                .withQueryParam("jql", equalTo(jql))
                .willReturn(okJson(
                        "{\"issues\":[" + issue("OPS-2", "disk full 2", "To Do", "new", "[]") + "],\"isLast\":true}")));
        try (IssueTrackerAdapter jira = adapter()) {
            IssueQuery query = new IssueQuery("OPS", IssueState.OPEN, List.of("team-\"api\""), "disk: full*");
            Iterator<Issue> lazy = jira.search(query).iterator();
            assertThat(server.getAllServeEvents()).isEmpty();
            assertThat(lazy.next().id()).isEqualTo("OPS-6");
            assertThat(server.getAllServeEvents()).hasSize(1);
            assertThat(jira.search(query).map(Issue::id).collect(Collectors.toList()))
                    .containsExactly("OPS-6", "OPS-5", "OPS-4", "OPS-3", "OPS-2");
        }
        assertThat(server.getAllServeEvents()).hasSize(4);
    }

    @Test
    void upsertFindsTheIssueItJustOpenedThroughReconcileIssuesWhileJirasIndexLags() {
        FakeJira jira = FakeJira.launch();
        try {
            jira.indexLags(true);
            Map<String, String> c = config(jira.baseUrl());
            c.put(P + "auth.token", FakeJira.TOKEN);
            c.put(P + "auth.username", FakeJira.EMAIL);
            NewIssue template = NewIssue.builder("OPS", "Nightly build broken")
                    .body("The nightly build failed.")
                    .build();
            Issue first;
            try (IssueTrackerAdapter adapter = adapter(new TestContext(c))) {
                first = adapter.upsert("nightly build #7", template, "Failed again");
                Issue second = adapter.upsert("nightly build #7", template, "Failed again");
                assertThat(second.id()).isEqualTo(first.id());
            }
            assertThat(jira.issueTracker().issueCount("OPS")).isEqualTo(1);
            assertThat(jira.issueTracker().comments(first.id())).hasSize(1);
            assertThat(first.labels())
                    .singleElement()
                    .asString()
                    .startsWith("scaleplane-key:")
                    .hasSize(15 + 32);

            List<LoggedRequest> searches =
                    jira.server().findAll(postRequestedFor(urlEqualTo("/rest/api/3/search/jql")));
            assertThat(searches).hasSize(2);
            String label = first.labels().get(0);
            String jql = "project = \\\"OPS\\\" AND labels = \\\"" + label + "\\\" AND statusCategory != \\\"Done\\\""
                    + " ORDER BY created ASC";
            assertThat(searches.get(0).getBodyAsString())
                    .isEqualTo("{\"jql\":\"" + jql + "\",\"fields\":[\"summary\",\"status\",\"labels\",\"assignee\","
                            + "\"project\"],\"maxResults\":1}");
            assertThat(searches.get(1).getBodyAsString())
                    .isEqualTo("{\"jql\":\"" + jql + "\",\"fields\":[\"summary\",\"status\",\"labels\",\"assignee\","
                            + "\"project\"],\"maxResults\":1,\"reconcileIssues\":[10000]}");
        } finally {
            jira.shutdown();
        }
    }

    // ---- rate limits and failures, through the plumbing ----

    @Test
    void a429WithRetryAfterBlocksTheCredentialThatLongThenTheCallIsSent() {
        FakeJira jira = FakeJira.launch();
        try {
            Map<String, String> c = config(jira.baseUrl());
            c.put(P + "auth.token", FakeJira.TOKEN);
            c.put(P + "auth.username", FakeJira.EMAIL);
            TestContext context = new TestContext(c);
            try (IssueTrackerAdapter adapter = adapter(context)) {
                jira.issueTracker().failNext(429, Duration.ofSeconds(30));
                Issue created =
                        adapter.create(NewIssue.builder("OPS", "Throttled").build());
                assertThat(created.id()).isEqualTo("OPS-1");
            }
            // The governor held the credential back for Retry-After, measured on the platform clock, once.
            assertThat(context.waits).containsExactly(Duration.ofSeconds(30));
            List<LoggedRequest> posts = jira.server().findAll(postRequestedFor(urlEqualTo("/rest/api/3/issue")));
            assertThat(posts).hasSize(2);
            assertThat(jira.issueTracker().issueCount("OPS")).isEqualTo(1);
        } finally {
            jira.shutdown();
        }
    }

    @Test
    void remainingZeroWithJirasIsoResetHoldsTheNextCallUntilTheReset() {
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-1"))
                .willReturn(okJson(issue("OPS-1", "x", "To Do", "new", "[]"))
                        .withHeader("X-RateLimit-Limit", "350")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", "2026-03-01T10:02Z")
                        .withHeader("RateLimit-Reason", "jira-quota-tenant-based")));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-2"))
                .willReturn(okJson(issue("OPS-2", "y", "To Do", "new", "[]"))));
        TestContext context = new TestContext(config(server.baseUrl()));
        try (IssueTrackerAdapter jira = adapter(context)) {
            jira.find("OPS-1");
            assertThat(context.waits).isEmpty();
            jira.find("OPS-2");
        }
        // The virtual clock stands at TestContext.T0, 10:00: the budget is back at 10:02.
        assertThat(context.waits).containsExactly(Duration.ofMinutes(2));
    }

    @Test
    void theUpsertLookupIsAReadSentAsPostSoA5xxOnItIsRetried() {
        String search = "/rest/api/3/search/jql";
        server.stubFor(post(search)
                .inScenario("lookup")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(502)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Bad gateway\"],\"errors\":{}}"))
                .willSetStateTo("answered"));
        server.stubFor(post(search)
                .inScenario("lookup")
                .whenScenarioStateIs("answered")
                .willReturn(okJson("{\"issues\":[" + issue("OPS-9", "Nightly", "To Do", "new", "[]") + "],"
                        + "\"isLast\":true}")));
        server.stubFor(post("/rest/api/3/issue/OPS-9/comment")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"10100\"}")));
        try (IssueTrackerAdapter jira = adapter()) {
            Issue found =
                    jira.upsert("nightly", NewIssue.builder("OPS", "Nightly").build(), "Failed again");
            assertThat(found.id()).isEqualTo("OPS-9");
        }
        server.verify(2, postRequestedFor(urlEqualTo(search)));
        server.verify(1, postRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-9/comment")));
        server.verify(0, postRequestedFor(urlEqualTo("/rest/api/3/issue")));
    }

    @Test
    void a5xxIsRetriedOnGetButNotOnPost() {
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-8"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Service Unavailable\"],\"errors\":{}}"))
                .willSetStateTo("recovered"));
        server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/OPS-8"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson(issue("OPS-8", "Recovered", "To Do", "new", "[]"))));
        server.stubFor(post("/rest/api/3/issue/OPS-8/comment")
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Internal server error\"],\"errors\":{}}")));
        TestContext context = new TestContext(config(server.baseUrl()));
        try (IssueTrackerAdapter jira = adapter(context)) {
            assertThat(jira.find("OPS-8").orElseThrow().title()).isEqualTo("Recovered");
            assertThatThrownBy(() -> jira.comment("OPS-8", "once"))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.getMessage()).contains("Internal server error");
                    });
        }
        server.verify(2, getRequestedFor(urlPathEqualTo("/rest/api/3/issue/OPS-8")));
        server.verify(1, postRequestedFor(urlEqualTo("/rest/api/3/issue/OPS-8/comment")));
        assertThat(context.waits).hasSize(1);
    }

    @Test
    void a401FailsAtOnceWithTheTokenNeitherInTheMessageNorInTheLogs() {
        server.stubFor(post("/rest/api/3/issue")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Client must be authenticated to access this resource.\"],"
                                + "\"errors\":{}}")));
        Throwable thrown;
        String logged;
        try (CapturedOutput logs = new CapturedOutput();
                IssueTrackerAdapter jira = adapter()) {
            thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> jira.create(NewIssue.builder("OPS", "Refused").build()));
            logged = logs.text();
        }
        assertThat(thrown).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage())
                    .contains("jira (jira) POST /rest/api/3/issue", "Client must be authenticated")
                    .doesNotContain(TOKEN)
                    .doesNotContain(BASIC.substring("Basic ".length()));
        });
        assertThat(logged).contains("POST", "Authorization: ****");
        assertThat(logged).doesNotContain(TOKEN).doesNotContain(BASIC.substring("Basic ".length()));
        server.verify(1, postRequestedFor(urlEqualTo("/rest/api/3/issue")));
    }

    @Test
    void jirasFieldErrorsReachTheTypedException() {
        server.stubFor(post("/rest/api/3/issue")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[],\"errors\":{\"issuetype\":\"Specify an issue type\"}}")));
        try (IssueTrackerAdapter jira = adapter()) {
            assertThatThrownBy(() -> jira.create(NewIssue.builder("OPS", "x").build()))
                    .isInstanceOf(AdapterRequestRefusedException.class)
                    .hasMessageContaining("Specify an issue type");
        }
    }

    @Test
    void labelsJiraWouldRefuseAndBadKeysFailBeforeAnyRequest() {
        try (IssueTrackerAdapter jira = adapter()) {
            assertThatThrownBy(() -> jira.create(
                            NewIssue.builder("OPS", "x").labels("team api").build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'team api'")
                    .hasMessageContaining("'team-api'");
            assertThatThrownBy(
                            () -> jira.create(NewIssue.builder("acme/app", "x").build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'acme/app'");
            assertThatThrownBy(() -> jira.comment("OPS-0", "x")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    // ---- OAuth and settings ----

    @Test
    void anOAuthTokenIsSentAsBearerThroughTheGatewayWithLinksOnTheSite() {
        server.stubFor(get("/ex/jira/11223344-a1b2-3b33-c444-def123456789/rest/api/3/issue/OPS-2?fields="
                        + FIELDS.replace(",", "%2C"))
                .withHeader("Authorization", equalTo("Bearer " + FakeJira.OAUTH_TOKEN))
                .willReturn(okJson(issue("OPS-2", "Via OAuth", "To Do", "new", "[]"))));
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "jira");
        c.put(P + "base-url", server.baseUrl() + "/ex/jira/11223344-a1b2-3b33-c444-def123456789");
        c.put(P + "auth.token", FakeJira.OAUTH_TOKEN);
        c.put(P + "browse-url", "https://acme.atlassian.net");
        try (IssueTrackerAdapter jira = adapter(new TestContext(c))) {
            Issue issue = jira.find("OPS-2").orElseThrow();
            assertThat(issue.url()).hasToString("https://acme.atlassian.net/browse/OPS-2");
        }
        assertThat(JiraSettings.read("jira", new TestContext(c).config()).http().authType())
                .isEqualTo(dev.scaleplane.adapters.http.AdapterSettings.AuthType.BEARER);
    }

    @Test
    void badSettingsGiveOneConfigurationExceptionNamingEveryKeyWithoutTheToken() {
        Map<String, String> c = Map.of(
                P + "type", "jira",
                P + "base-url", "ftp://acme.atlassian.net",
                P + "auth.type", "password",
                P + "auth.token", TOKEN,
                P + "issue-type", "  ",
                P + "page-size", "500",
                P + "browse-url", "not a url");
        assertThatThrownBy(() -> new JiraProvider().validate("jira", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains(
                                    P + "base-url",
                                    P + "auth.type",
                                    P + "auth.username",
                                    P + "issue-type",
                                    P + "page-size",
                                    P + "browse-url");
                    assertThat(e.getMessage()).contains("jira-cloud", "bearer").doesNotContain(TOKEN);
                });
    }

    @Test
    void theOAuthGatewayWithoutABrowseUrlIsACompleteConfigurationProblem() {
        Map<String, String> c = Map.of(
                P + "base-url", "https://api.atlassian.com/ex/jira/11223344-a1b2-3b33-c444-def123456789",
                P + "auth.type", "bearer",
                P + "auth.token", FakeJira.OAUTH_TOKEN);
        assertThatThrownBy(() -> JiraSettings.read("jira", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly(P + "browse-url"));
        Map<String, String> none = Map.of(P + "type", "jira");
        assertThatThrownBy(() -> JiraSettings.read("jira", new TestContext(none).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(P + "base-url", P + "auth.username", P + "auth.token"));
    }

    @Test
    void defaultsAndTheServiceLoaderRegistration() {
        JiraSettings settings =
                JiraSettings.read("jira", new TestContext(config("https://acme.atlassian.net")).config());
        assertThat(settings.issueType()).isEqualTo("Task");
        assertThat(settings.browse("OPS-1")).hasToString("https://acme.atlassian.net/browse/OPS-1");
        assertThat(settings.http().authType())
                .isEqualTo(dev.scaleplane.adapters.http.AdapterSettings.AuthType.JIRA_CLOUD);
        assertThat(settings.toString()).doesNotContain(TOKEN);
        assertThat(ServiceLoader.load(IssueTrackerAdapterProvider.class).stream()
                        .map(p -> p.get().name()))
                .containsExactly("jira");
    }
}
