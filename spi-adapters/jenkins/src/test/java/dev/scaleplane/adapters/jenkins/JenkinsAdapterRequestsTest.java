package dev.scaleplane.adapters.jenkins;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.tck.CiSimulation;
import dev.scaleplane.testing.CapturedOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
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
 * What the kit does not cover, asserting the exact requests: nested folder paths and their encoding under a context
 * path, the form body, HTTP Basic, the CSRF crumb only when Jenkins asks, queue items resolved to builds (and found by
 * queueId once Jenkins forgets them), trigger waiting for its build, cancel in its three cases, tree-range pages,
 * 429 with Retry-After, 5xx retried on GET and not on POST, 401 without the token anywhere, and settings validation.
 * Raw WireMock stubs in Jenkins' documented shapes where one exchange matters, {@link FakeJenkins} where state does.
 */
class JenkinsAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.ci.";
    private static final String TOKEN = "11aa22bb33cc44dd55ee66ff7788990011";
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString(("ci-bot:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String BUILD_TREE =
            "number,url,result,building,inProgress,timestamp,duration,actions[parameters[name,value]]";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private WireMockServer server;
    private FakeJenkins fake;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        if (fake != null) {
            fake.shutdown();
        }
    }

    private static Map<String, String> config(String baseUrl, String... more) {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "jenkins");
        c.put(P + "base-url", baseUrl);
        c.put(P + "auth.username", "ci-bot");
        c.put(P + "auth.token", TOKEN);
        c.put(P + "poll-interval", "1ms");
        c.put(P + "max-poll-interval", "2ms");
        for (int i = 0; i < more.length; i += 2) {
            c.put(P + more[i], more[i + 1]);
        }
        return c;
    }

    private static Map<String, String> fakeConfig(FakeJenkins fake, String... more) {
        Map<String, String> c = config(fake.baseUrl(), more);
        c.put(P + "auth.username", FakeJenkins.USER);
        c.put(P + "auth.token", FakeJenkins.TOKEN);
        return c;
    }

    private static CiAdapter adapter(TestContext context) {
        return new JenkinsProvider().create("ci", context.context());
    }

    /** A build as {@code .../<number>/api/json?tree=...} answers it. */
    private static String build(long number, boolean building, String result, String... parameters) {
        StringBuilder params = new StringBuilder();
        for (int i = 0; i < parameters.length; i += 2) {
            params.append(i == 0 ? "" : ",")
                    .append("{\"_class\":\"hudson.model.StringParameterValue\",\"name\":\"")
                    .append(parameters[i])
                    .append("\",\"value\":\"")
                    .append(parameters[i + 1])
                    .append("\"}");
        }
        return "{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowRun\",\"actions\":[{\"_class\":"
                + "\"hudson.model.ParametersAction\",\"parameters\":[" + params + "]},{\"_class\":"
                + "\"hudson.model.CauseAction\"}],\"building\":" + building + ",\"duration\":" + (building ? 0 : 61000)
                + ",\"inProgress\":" + building + ",\"number\":" + number + ",\"result\":"
                + (result == null ? "null" : "\"" + result + "\"") + ",\"timestamp\":1772359200000,\"url\":"
                + "\"https://ci.example.com/job/a/job/b/" + number + "/\"}";
    }

    /** A queue item as {@code /queue/item/<id>/api/json} answers it. */
    private static String queueItem(long id, String kind, String why, Long executable, boolean cancelled) {
        return "{\"_class\":\"hudson.model.Queue$" + kind
                + "\",\"actions\":[{\"_class\":\"hudson.model.CauseAction\"}],"
                + "\"blocked\":" + kind.equals("BlockedItem") + ",\"buildable\":" + kind.equals("BuildableItem")
                + ",\"id\":" + id + ",\"inQueueSince\":1772359200000,\"params\":\"\",\"stuck\":false,\"task\":{"
                + "\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\",\"name\":\"b\",\"url\":"
                + "\"https://ci.example.com/job/a/job/b/\",\"color\":\"blue\"},\"url\":\"queue/item/" + id + "/\","
                + "\"why\":" + (why == null ? "null" : "\"" + why + "\"")
                + (kind.equals("LeftItem") ? ",\"cancelled\":" + cancelled : "")
                + (executable == null
                        ? ""
                        : ",\"executable\":{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowRun\",\"number\":"
                                + executable + ",\"url\":\"https://ci.example.com/job/a/job/b/" + executable + "/\"}")
                + "}";
    }

    /** An error as Jenkins' Jetty writes it for {@code Accept: application/json}. */
    private static ResponseDefinitionBuilder jettyError(int status, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"servlet\":\"Stapler\",\"message\":\"" + message + "\",\"url\":\"/x\",\"status\":\""
                        + status + "\"}");
    }

    private static List<ServeEvent> served(WireMockServer server) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events;
    }

    private static List<String> requestLines(WireMockServer server) {
        return served(server).stream()
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl())
                .collect(Collectors.toList());
    }

    // ---- trigger ----

    @Test
    void triggerPostsTheParametersAsAFormToTheNestedFolderPathUnderTheContextPathAndReturnsTheQueueItemAtOnce() {
        String path = "/jenkins/job/acme/job/Platform%20Tools/job/deploy/buildWithParameters";
        server.stubFor(post(urlEqualTo(path))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Location", server.baseUrl() + "/jenkins/queue/item/42/")));
        try (CiAdapter ci =
                adapter(new TestContext(config(server.baseUrl() + "/jenkins", "ref-parameter", "BRANCH")))) {
            CiRun run = ci.trigger(new CiTrigger(
                    "acme/Platform Tools/deploy", "release/1.2", Map.of("version", "1.2.3", "DRY_RUN", "true")));
            assertThat(run.id()).isEqualTo("acme/Platform Tools/deploy#queue-42");
            assertThat(run.pipeline()).isEqualTo("acme/Platform Tools/deploy");
            assertThat(run.ref()).isEqualTo("release/1.2");
            assertThat(run.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(run.conclusion()).isEqualTo("queued");
            assertThat(run.url()).hasToString(server.baseUrl() + "/jenkins/job/acme/job/Platform%20Tools/job/deploy/");
        }
        assertThat(server.getAllServeEvents()).hasSize(1);
        LoggedRequest sent = server.findAll(postRequestedFor(urlEqualTo(path))).get(0);
        // The ref parameter first, then the inputs by name.
        assertThat(sent.getBodyAsString()).isEqualTo("BRANCH=release%2F1.2&DRY_RUN=true&version=1.2.3");
        assertThat(sent.getHeader("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=UTF-8");
        assertThat(sent.getHeader("Authorization")).isEqualTo(BASIC);
        assertThat(sent.getHeader("Accept")).isEqualTo("application/json");
        assertThat(sent.containsHeader("Jenkins-Crumb")).isFalse();
    }

    @Test
    void aJobWithoutParametersGetsBuildAndAParameterizedOneRefusingBuildGetsBuildWithParametersAndItsDefaults() {
        fake = FakeJenkins.launch();
        CiSimulation jenkins = fake.simulation();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake)))) {
            CiRun nightly = ci.trigger(CiTrigger.of(FakeJenkins.NIGHTLY, ""));
            assertThat(nightly.id()).isEqualTo(FakeJenkins.NIGHTLY + "#queue-101");
            CiRun deploy = ci.trigger(CiTrigger.of(FakeJenkins.DEPLOY, ""));
            assertThat(deploy.id()).isEqualTo(FakeJenkins.DEPLOY + "#queue-102");
            assertThat(jenkins.inputsOf(deploy.id())).isEqualTo(Map.of("version", "", "DRY_RUN", "false"));
        }
        assertThat(requestLines(fake.server()))
                .containsExactly(
                        "POST /job/team/job/platform/job/nightly/build",
                        "POST /job/team/job/platform/job/deploy/build",
                        "POST /job/team/job/platform/job/deploy/buildWithParameters");
        assertThat(served(fake.server()))
                .allSatisfy(e -> assertThat(e.getRequest().getBodyAsString()).isEmpty());
    }

    @Test
    void inputsForAJobWithoutParametersAreRefusedAsJenkinsSaysAndNotRepeated() {
        fake = FakeJenkins.launch();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake)))) {
            assertThatThrownBy(() -> ci.trigger(new CiTrigger(FakeJenkins.NIGHTLY, "", Map.of("version", "1"))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).contains("This build is not parameterized!");
                        assertThat(e.path()).isEqualTo("/job/team/job/platform/job/nightly/buildWithParameters");
                    });
        }
        assertThat(fake.server().getAllServeEvents()).hasSize(1);
    }

    @Test
    void aRefWithoutARefParameterAndMalformedIdsAreRefusedBeforeAnyRequest() {
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("a/b", "main")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("scaleplane.adapters.ci.ref-parameter")
                    .hasMessageContaining("'main'");
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("team//deploy", "")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("folder/sub/job")
                    .hasMessageContaining("'team//deploy'");
            assertThatThrownBy(() -> ci.status("team/deploy"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("<job full name>#<build number>");
            assertThatThrownBy(() -> ci.cancel("team/deploy#queue-x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ci.runs("/deploy")).isInstanceOf(IllegalArgumentException.class);
        }
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl(), "ref-parameter", "BRANCH")))) {
            assertThatThrownBy(() -> ci.trigger(new CiTrigger("a/b", "main", Map.of("BRANCH", "dev"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input BRANCH");
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    // ---- queue items and builds ----

    @Test
    void statusOfAQueueIdReadsTheItemThenItsBuildAndRemembersTheResolution() {
        fake = FakeJenkins.launch();
        CiSimulation jenkins = fake.simulation();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake, "ref-parameter", "BRANCH")))) {
            String queued = ci.trigger(CiTrigger.of(FakeJenkins.DEPLOY, "main")).id();
            CiRun waiting = ci.status(queued);
            assertThat(waiting.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(waiting.conclusion()).isEqualTo("In the quiet period. Expires in 4.9 sec");
            assertThat(waiting.ref()).isEqualTo("main");
            jenkins.setState(queued, "queue/blocked");
            assertThat(ci.status(queued).conclusion())
                    .startsWith("Build #")
                    .endsWith("is already in progress (ETA: 1 min 2 sec)");

            jenkins.startRun(queued);
            fake.server().resetRequests();
            CiRun running = ci.status(queued);
            assertThat(running.id()).isEqualTo(FakeJenkins.DEPLOY + "#1");
            assertThat(running.status()).isEqualTo(CiStatus.RUNNING);
            assertThat(running.conclusion()).isEqualTo("building");
            assertThat(running.ref()).isEqualTo("main");
            assertThat(running.url()).hasToString(fake.baseUrl() + "/job/team/job/platform/job/deploy/1/");
            assertThat(running.updatedAt()).isNull();

            jenkins.finishRun(queued, CiStatus.SUCCEEDED);
            CiRun done = ci.status(queued);
            assertThat(done.status()).isEqualTo(CiStatus.SUCCEEDED);
            assertThat(done.conclusion()).isEqualTo("SUCCESS");
            assertThat(done.updatedAt()).isAfter(done.createdAt());
        }
        List<LoggedRequest> requests =
                served(fake.server()).stream().map(ServeEvent::getRequest).collect(Collectors.toList());
        assertThat(requests)
                .extracting(r -> r.getMethod() + " " + r.getUrl().replaceAll("\\?.*", ""))
                .containsExactly(
                        "GET /queue/item/101/api/json",
                        "GET /job/team/job/platform/job/deploy/1/api/json",
                        // remembered: the build directly
                        "GET /job/team/job/platform/job/deploy/1/api/json");
        assertThat(requests.get(1).queryParameter("tree").firstValue()).isEqualTo(BUILD_TREE);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.getHeader("Authorization")).startsWith("Basic ");
            assertThat(r.getHeader("Accept")).isEqualTo("application/json");
        });
    }

    @Test
    void aQueueItemJenkinsHasForgottenIsFoundByTheQueueIdOfItsBuild() {
        fake = FakeJenkins.launch();
        CiSimulation jenkins = fake.simulation();
        jenkins.seedRuns(FakeJenkins.DEPLOY, 3);
        String queued;
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake, "ref-parameter", "BRANCH")))) {
            queued = ci.trigger(CiTrigger.of(FakeJenkins.DEPLOY, "main")).id();
        }
        jenkins.finishRun(queued, CiStatus.FAILED);
        jenkins.seedRuns(FakeJenkins.DEPLOY, 2);
        fake.forgetLeftItems();
        fake.server().resetRequests();
        // A new adapter (another process, later): nothing remembered, and Jenkins has forgotten the item.
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake, "ref-parameter", "BRANCH", "page-size", "2")))) {
            CiRun run = ci.status(queued);
            assertThat(run.id()).isEqualTo(FakeJenkins.DEPLOY + "#4");
            assertThat(run.status()).isEqualTo(CiStatus.FAILED);
            assertThat(run.conclusion()).isEqualTo("FAILURE");
            assertThat(run.ref()).isEqualTo("main");
            assertThatThrownBy(() -> ci.status(FakeJenkins.DEPLOY + "#queue-99"))
                    .as("no build came from item 99: Jenkins' 404 for the item stands")
                    .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> assertThat(e.path())
                            .isEqualTo("/queue/item/99/api/json"));
        }
        List<LoggedRequest> requests =
                served(fake.server()).stream().map(ServeEvent::getRequest).collect(Collectors.toList());
        String job = "/job/team/job/platform/job/deploy";
        assertThat(requests)
                .extracting(r -> r.getUrl().replaceAll("\\?.*", "") + " "
                        + (r.queryParameter("tree").isPresent()
                                ? r.queryParameter("tree").firstValue()
                                : ""))
                .containsExactly(
                        "/queue/item/104/api/json ",
                        // newest first: builds 6 and 5 came from later items, build 4 from item 104
                        job + "/api/json allBuilds[number,queueId]{0,2}",
                        job + "/api/json allBuilds[number,queueId]{2,4}",
                        job + "/4/api/json " + BUILD_TREE,
                        "/queue/item/99/api/json ",
                        job + "/api/json allBuilds[number,queueId]{0,2}",
                        job + "/api/json allBuilds[number,queueId]{2,4}",
                        job + "/api/json allBuilds[number,queueId]{4,6}",
                        job + "/api/json allBuilds[number,queueId]{6,8}");
    }

    @Test
    void withABuildLookupTimeoutTriggerPollsTheQueueItemUntilItsBuildAppears() {
        server.stubFor(post("/job/a/job/b/build")
                .willReturn(aResponse().withStatus(201).withHeader("Location", server.baseUrl() + "/queue/item/7/")));
        server.stubFor(get("/queue/item/7/api/json")
                .inScenario("queue")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(queueItem(7, "WaitingItem", "In the quiet period. Expires in 4.9 sec", null, false)))
                .willSetStateTo("buildable"));
        server.stubFor(get("/queue/item/7/api/json")
                .inScenario("queue")
                .whenScenarioStateIs("buildable")
                .willReturn(okJson(queueItem(7, "BuildableItem", "Waiting for next available executor", null, false)))
                .willSetStateTo("left"));
        server.stubFor(get("/queue/item/7/api/json")
                .inScenario("queue")
                .whenScenarioStateIs("left")
                .willReturn(okJson(queueItem(7, "LeftItem", null, 12L, false))));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/12/api/json")).willReturn(okJson(build(12, true, null))));
        TestContext context = new TestContext(
                config(
                        server.baseUrl(),
                        "build-lookup-timeout",
                        "1m",
                        "poll-interval",
                        "1s",
                        "max-poll-interval",
                        "4s"),
                new VirtualClock(T0));
        try (CiAdapter ci = adapter(context)) {
            CiRun run = ci.trigger(CiTrigger.of("a/b", ""));
            assertThat(run.id()).isEqualTo("a/b#12");
            assertThat(run.status()).isEqualTo(CiStatus.RUNNING);
        }
        // Two waits between three reads of the item, backing off from poll-interval.
        assertThat(context.waits).hasSize(2);
        assertThat(context.waits.get(1)).isGreaterThan(Duration.ofMillis(999));
        server.verify(3, getRequestedFor(urlEqualTo("/queue/item/7/api/json")));
    }

    @Test
    void triggerStopsWaitingForABlockedOrCancelledItemAndAtTheTimeout() {
        String[][] items = {
            {"8", "BlockedItem", "Build #11 is already in progress (ETA: 1 min 2 sec)"},
            {"9", "LeftItem", null},
            {"10", "WaitingItem", "Waiting for next available executor on linux"}
        };
        for (String[] item : items) {
            server.stubFor(post("/job/a/job/c" + item[0] + "/build")
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Location", server.baseUrl() + "/queue/item/" + item[0] + "/")));
            server.stubFor(get("/queue/item/" + item[0] + "/api/json")
                    .willReturn(okJson(queueItem(Long.parseLong(item[0]), item[1], item[2], null, true)
                            .replace("job/a/job/b/", "job/a/job/c" + item[0] + "/"))));
        }
        TestContext context = new TestContext(
                config(
                        server.baseUrl(),
                        "build-lookup-timeout",
                        "30s",
                        "poll-interval",
                        "10s",
                        "max-poll-interval",
                        "20s"),
                new VirtualClock(T0));
        try (CiAdapter ci = adapter(context)) {
            CiRun blocked = ci.trigger(CiTrigger.of("a/c8", ""));
            assertThat(blocked.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(blocked.conclusion()).isEqualTo("Build #11 is already in progress (ETA: 1 min 2 sec)");
            CiRun cancelled = ci.trigger(CiTrigger.of("a/c9", ""));
            assertThat(cancelled.id()).isEqualTo("a/c9#queue-9");
            assertThat(cancelled.status()).isEqualTo(CiStatus.CANCELLED);
            assertThat(cancelled.conclusion()).isEqualTo("cancelled");
            assertThat(context.waits).isEmpty();

            CiRun waiting = ci.trigger(CiTrigger.of("a/c10", ""));
            assertThat(waiting.id()).isEqualTo("a/c10#queue-10");
            assertThat(waiting.status()).isEqualTo(CiStatus.QUEUED);
            assertThat(waiting.conclusion()).isEqualTo("Waiting for next available executor on linux");
        }
        assertThat(context.waits.stream().reduce(Duration.ZERO, Duration::plus))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        server.verify(1, getRequestedFor(urlEqualTo("/queue/item/8/api/json")));
        server.verify(1, getRequestedFor(urlEqualTo("/queue/item/9/api/json")));
        server.verify(context.waits.size() + 1, getRequestedFor(urlEqualTo("/queue/item/10/api/json")));
    }

    @Test
    void aBuildStillWritingItsLogIsRunningAndAResultJenkinsMayAddIsAFailure() {
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/1/api/json"))
                .willReturn(okJson(build(1, false, "SUCCESS").replace("\"inProgress\":false", "\"inProgress\":true"))));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/2/api/json")).willReturn(okJson(build(2, false, "WEIRD"))));
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
            assertThat(ci.status("a/b#1").status()).isEqualTo(CiStatus.RUNNING);
            CiRun weird = ci.status("a/b#2");
            assertThat(weird.status()).isEqualTo(CiStatus.FAILED);
            assertThat(weird.conclusion()).isEqualTo("WEIRD");
            assertThat(weird.ref()).as("no ref parameter configured").isEmpty();
            assertThat(weird.url()).hasToString("https://ci.example.com/job/a/job/b/2/");
        }
    }

    // ---- cancel ----

    @Test
    void cancelStopsABuild() {
        server.stubFor(post("/job/a/job/b/5/stop")
                .willReturn(
                        aResponse().withStatus(302).withHeader("Location", "https://ci.example.com/job/a/job/b/5/")));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/5/api/json")).willReturn(okJson(build(5, true, null))));
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
            assertThat(ci.cancel("a/b#5").status()).isEqualTo(CiStatus.RUNNING);
        }
        assertThat(requestLines(server))
                .containsExactly(
                        "POST /job/a/job/b/5/stop",
                        "GET /job/a/job/b/5/api/json?tree="
                                + BUILD_TREE
                                        .replace(",", "%2C")
                                        .replace("[", "%5B")
                                        .replace("]", "%5D"));
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/job/a/job/b/5/stop")))
                        .get(0)
                        .getBodyAsString())
                .isEmpty();
    }

    @Test
    void cancelOfAWaitingQueueItemCancelsTheItem() {
        fake = FakeJenkins.launch();
        CiSimulation jenkins = fake.simulation();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake)))) {
            String queued = ci.trigger(CiTrigger.of(FakeJenkins.NIGHTLY, "")).id();
            CiRun after = ci.cancel(queued);
            assertThat(after.id()).isEqualTo(queued);
            assertThat(after.status()).isEqualTo(CiStatus.CANCELLED);
            assertThat(jenkins.cancelRequested(queued)).isTrue();
        }
        assertThat(requestLines(fake.server()))
                .containsExactly(
                        "POST /job/team/job/platform/job/nightly/build",
                        "GET /queue/item/101/api/json",
                        "POST /queue/cancelItem?id=101",
                        "GET /queue/item/101/api/json");
    }

    @Test
    void cancelOfAQueueItemThatJustLeftStopsTheBuildItBecame() {
        server.stubFor(get("/queue/item/61/api/json")
                .inScenario("race")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(
                        okJson(queueItem(61, "BuildableItem", "Waiting for next available executor", null, false))));
        // Between our read and our cancel, an executor took it: Jenkins cannot cancel a left item.
        server.stubFor(post(urlPathEqualTo("/queue/cancelItem"))
                .willReturn(jettyError(500, "Could not cancel run for id 61"))
                .inScenario("race")
                .willSetStateTo("left"));
        server.stubFor(get("/queue/item/61/api/json")
                .inScenario("race")
                .whenScenarioStateIs("left")
                .willReturn(okJson(queueItem(61, "LeftItem", null, 9L, false))));
        server.stubFor(post("/job/a/job/b/9/stop").willReturn(aResponse().withStatus(302)));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/9/api/json")).willReturn(okJson(build(9, true, null))));
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
            CiRun after = ci.cancel("a/b#queue-61");
            assertThat(after.id()).isEqualTo("a/b#9");
            assertThat(after.status()).isEqualTo(CiStatus.RUNNING);
        }
        assertThat(requestLines(server))
                .extracting(l -> l.replaceAll("\\?tree=.*", ""))
                .containsExactly(
                        "GET /queue/item/61/api/json",
                        "POST /queue/cancelItem?id=61",
                        "GET /queue/item/61/api/json",
                        "POST /job/a/job/b/9/stop",
                        "GET /job/a/job/b/9/api/json");
    }

    // ---- CSRF ----

    @Test
    void aCsrfProtected403LeadsToOneCrumbFetchAndTheCrumbIsReusedOnLaterPosts() {
        fake = FakeJenkins.launch();
        fake.requireCrumb(true);
        CiSimulation jenkins = fake.simulation();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake)))) {
            String first = ci.trigger(CiTrigger.of(FakeJenkins.NIGHTLY, "")).id();
            String second = ci.trigger(CiTrigger.of(FakeJenkins.NIGHTLY, "")).id();
            jenkins.startRun(second);
            assertThat(ci.cancel(first).status()).isEqualTo(CiStatus.CANCELLED);
            ci.cancel(second);
        }
        assertThat(fake.crumbRequests()).isEqualTo(1);
        List<LoggedRequest> requests =
                served(fake.server()).stream().map(ServeEvent::getRequest).collect(Collectors.toList());
        assertThat(requests)
                .extracting(r -> r.getMethod() + " " + r.getUrl().replaceAll("\\?tree=.*", "") + " crumb="
                        + r.getHeader("Jenkins-Crumb"))
                .containsExactly(
                        "POST /job/team/job/platform/job/nightly/build crumb=null",
                        "GET /crumbIssuer/api/json crumb=null",
                        "POST /job/team/job/platform/job/nightly/build crumb=" + FakeJenkins.CRUMB,
                        "POST /job/team/job/platform/job/nightly/build crumb=" + FakeJenkins.CRUMB,
                        "GET /queue/item/101/api/json crumb=null",
                        "POST /queue/cancelItem?id=101 crumb=" + FakeJenkins.CRUMB,
                        "GET /queue/item/101/api/json crumb=null",
                        "GET /queue/item/102/api/json crumb=null",
                        "POST /job/team/job/platform/job/nightly/1/stop crumb=" + FakeJenkins.CRUMB,
                        "GET /job/team/job/platform/job/nightly/1/api/json crumb=null");
        assertThat(requests.get(1).getHeader("Authorization")).startsWith("Basic ");
    }

    // ---- listing ----

    @Test
    void runsArePagedLazilyWithTreeRangesOverThreePagesNewestFirst() {
        fake = FakeJenkins.launch();
        fake.simulation().seedRuns(FakeJenkins.DEPLOY, 5);
        fake.server().resetRequests();
        try (CiAdapter ci = adapter(new TestContext(fakeConfig(fake, "page-size", "2")))) {
            Stream<CiRun> runs = ci.runs(FakeJenkins.DEPLOY);
            assertThat(fake.server().getAllServeEvents()).isEmpty();
            Iterator<CiRun> it = runs.iterator();
            assertThat(it.next().id()).isEqualTo(FakeJenkins.DEPLOY + "#5");
            assertThat(fake.server().getAllServeEvents()).hasSize(1);
            List<CiRun> all = ci.runs(FakeJenkins.DEPLOY).collect(Collectors.toList());
            assertThat(all)
                    .extracting(CiRun::id)
                    .containsExactly(
                            "team/platform/deploy#5",
                            "team/platform/deploy#4",
                            "team/platform/deploy#3",
                            "team/platform/deploy#2",
                            "team/platform/deploy#1");
            assertThat(all)
                    .extracting(CiRun::conclusion)
                    .containsExactly("SUCCESS", "FAILURE", "SUCCESS", "SUCCESS", "FAILURE");
            assertThat(all.get(0).url()).hasToString(fake.baseUrl() + "/job/team/job/platform/job/deploy/5/");
        }
        List<LoggedRequest> requests =
                served(fake.server()).stream().map(ServeEvent::getRequest).collect(Collectors.toList());
        assertThat(requests)
                .allSatisfy(r -> assertThat(r.getUrl()).startsWith("/job/team/job/platform/job/deploy/api/json?"));
        assertThat(requests)
                .extracting(r -> r.queryParameter("tree").firstValue())
                .containsExactly(
                        "allBuilds[number,url,result,building,timestamp]{0,2}",
                        "allBuilds[number,url,result,building,timestamp]{0,2}",
                        "allBuilds[number,url,result,building,timestamp]{2,4}",
                        "allBuilds[number,url,result,building,timestamp]{4,6}");
    }

    // ---- resilience, through the plumbing ----

    @Test
    void a429WithRetryAfterIsWaitedOutThenTheCallSucceeds() {
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/3/api/json"))
                .inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(jettyError(429, "Too Many Requests").withHeader("Retry-After", "7"))
                .willSetStateTo("served"));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/3/api/json"))
                .inScenario("limited")
                .whenScenarioStateIs("served")
                .willReturn(okJson(build(3, false, "UNSTABLE"))));
        TestContext context = new TestContext(config(server.baseUrl()), new VirtualClock(T0));
        try (CiAdapter ci = adapter(context)) {
            CiRun run = ci.status("a/b#3");
            assertThat(run.status()).isEqualTo(CiStatus.FAILED);
            assertThat(run.conclusion()).isEqualTo("UNSTABLE");
        }
        assertThat(context.waits).containsExactly(Duration.ofSeconds(7));
        server.verify(2, getRequestedFor(urlPathEqualTo("/job/a/job/b/3/api/json")));
    }

    @Test
    void a5xxIsRetriedOnAGetButNotOnAPost() {
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/4/api/json"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(jettyError(502, "Bad Gateway"))
                .willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/4/api/json"))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(okJson(build(4, false, "SUCCESS"))));
        server.stubFor(post("/job/a/job/b/build").willReturn(jettyError(502, "Bad Gateway")));
        TestContext context = new TestContext(config(server.baseUrl()));
        try (CiAdapter ci = adapter(context)) {
            assertThat(ci.status("a/b#4").status()).isEqualTo(CiStatus.SUCCEEDED);
            assertThatThrownBy(() -> ci.trigger(CiTrigger.of("a/b", "")))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.method()).isEqualTo("POST");
                    });
        }
        server.verify(2, getRequestedFor(urlPathEqualTo("/job/a/job/b/4/api/json")));
        server.verify(1, postRequestedFor(urlEqualTo("/job/a/job/b/build")));
        assertThat(context.waits).as("one backoff, before the repeated GET").hasSize(1);
    }

    @Test
    void a401FailsAtOnceWithTheTokenInNeitherMessageNorLogs() {
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/5/api/json"))
                .willReturn(jettyError(401, "Invalid password/token for user: ci-bot")));
        String[] message = new String[1];
        String logs = captureLogs(() -> {
            try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
                assertThatThrownBy(() -> ci.status("a/b#5"))
                        .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.system()).isEqualTo("jenkins");
                            assertThat(e.instance()).isEqualTo("ci");
                            assertThat(e.path()).isEqualTo("/job/a/job/b/5/api/json");
                            assertThat(e.serverMessage()).isEqualTo("Invalid password/token for user: ci-bot");
                            message[0] = e.getMessage();
                        });
            }
        });
        assertThat(message[0]).contains("jenkins (ci) GET /job/a/job/b/5/api/json: HTTP 401");
        String encoded = BASIC.substring("Basic ".length());
        assertThat(message[0]).doesNotContain(TOKEN).doesNotContain(encoded);
        assertThat(logs).contains("GET").contains("Authorization: ****");
        assertThat(logs).doesNotContain(TOKEN).doesNotContain(encoded);
        server.verify(1, getRequestedFor(urlPathEqualTo("/job/a/job/b/5/api/json")));
    }

    @Test
    void withoutACredentialRequestsGoAnonymous() {
        server.stubFor(get(urlPathEqualTo("/job/a/job/b/6/api/json"))
                .withHeader("Authorization", absent())
                .willReturn(okJson(build(6, false, "ABORTED"))));
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "jenkins");
        c.put(P + "base-url", server.baseUrl());
        try (CiAdapter ci = adapter(new TestContext(c))) {
            assertThat(ci.status("a/b#6").status()).isEqualTo(CiStatus.CANCELLED);
        }
    }

    private static String captureLogs(Runnable action) {
        return CapturedOutput.of(action);
    }

    // ---- settings and registration ----

    @Test
    void badSettingsFailOnceNamingEveryKeyWithTheTokenRedacted() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "jenkins");
        c.put(P + "auth.token", TOKEN);
        c.put(P + "page-size", "0");
        c.put(P + "poll-interval", "soon");
        c.put(P + "build-lookup-timeout", "2h");
        c.put(P + "ref-paramter", "BRANCH");
        assertThatThrownBy(() -> new JenkinsProvider().validate("ci", new TestContext(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "base-url",
                                    P + "auth.username",
                                    P + "page-size",
                                    P + "poll-interval",
                                    P + "build-lookup-timeout",
                                    P + "ref-paramter");
                    assertThat(e.getMessage()).contains("did you mean " + P + "ref-parameter");
                    assertThat(e.getMessage()).doesNotContain(TOKEN);
                });

        Map<String, String> d = config("ftp://ci.example.com", "auth.type", "oauth");
        d.put(P + "poll-interval", "10s");
        d.put(P + "max-poll-interval", "1s");
        assertThatThrownBy(() -> new JenkinsProvider().create("ci", new TestContext(d).context()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(P + "base-url", P + "auth.type", P + "max-poll-interval"));
    }

    @Test
    void theProviderIsRegisteredAsJenkinsWithCancelAndInputs() {
        assertThat(ServiceLoader.load(CiAdapterProvider.class).stream().map(p -> p.get()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.name()).isEqualTo("jenkins");
                    assertThat(p.capabilities()).containsExactlyInAnyOrder(CiCapability.CANCEL, CiCapability.INPUTS);
                });
        try (CiAdapter ci = adapter(new TestContext(config(server.baseUrl())))) {
            assertThat(ci.system()).isEqualTo("jenkins");
            assertThat(ci.name()).isEqualTo("ci");
            assertThat(ci.toString()).doesNotContain(TOKEN);
        }
    }
}
