package dev.scaleplane.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiRunCompleted;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One GitHub Actions run, learned twice: from its {@code workflow_run} webhook and by the GitHub Actions adapter
 * polling {@code GET /repos/{owner}/{repo}/actions/runs/{run_id}} (answered by a local simulation of that one endpoint,
 * in GitHub's documented shape: the same workflow run object the webhook carries). Both produce {@code
 * CiRunCompleted} with the same run and the same CloudEvents identity, so a de-duplicating subscription sees the run
 * end once.
 */
class GitHubWebhookAndPollingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_ID = "octo-org/octo-repo/9177231450";

    private HttpServer simulatedGitHub;
    private ScaleplanePlatform platform;
    private WebhookServer receiver;
    private final HttpClient client = HttpClient.newHttpClient();
    private final BlockingQueue<Event<CiRunCompleted>> completions = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        ObjectNode workflowRun =
                (ObjectNode) JSON.readTree(WebhookServerTest.payload("github-workflow_run-completed.json"))
                        .path("workflow_run");
        byte[] runJson = JSON.writeValueAsBytes(workflowRun);
        simulatedGitHub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        simulatedGitHub.createContext("/repos/octo-org/octo-repo/actions/runs/9177231450", exchange -> {
            try (exchange;
                    OutputStream out = exchange.getResponseBody()) {
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(200, runJson.length);
                out.write(runJson);
            }
        });
        simulatedGitHub.start();

        Map<String, String> config = WebhookServerTest.receiverConfig();
        config.put("scaleplane.adapters.gh-actions.type", "github");
        config.put(
                "scaleplane.adapters.gh-actions.base-url",
                "http://127.0.0.1:" + simulatedGitHub.getAddress().getPort());
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        platform.events()
                .subscribe(
                        SubscriptionOptions.builder(CiEvents.DEFAULT_TOPIC, "deploy-gate")
                                .deduplicate(Duration.ofHours(1), 1000)
                                .build(),
                        CiEvents.RUN_COMPLETED,
                        completions::add);
        receiver = WebhookServer.start(WebhookReceiver.create(platform));
    }

    @AfterEach
    void stop() {
        receiver.close();
        platform.close();
        simulatedGitHub.stop(0);
    }

    private int deliver(String delivery, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(receiver.uri("/webhooks/github"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        WebhookServerTest.githubHeaders(
                        "workflow_run",
                        delivery,
                        WebhookServerTest.githubSignature(WebhookServerTest.GITHUB_SECRET, body))
                .forEach(request::setHeader);
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void theWebhooksRunIsTheAdaptersRunAndTheTwoCompletionsAreOneEvent() throws Exception {
        byte[] body = WebhookServerTest.payload("github-workflow_run-completed.json");
        assertThat(deliver("9a8b7c6d-0000-4000-8000-000000000001", body)).isEqualTo(202);
        Event<CiRunCompleted> fromWebhook = completions.poll(10, TimeUnit.SECONDS);
        assertThat(fromWebhook).isNotNull();

        CiAdapter actions = platform.adapters().ci("gh-actions");
        CiRun polled = actions.status(RUN_ID);
        assertThat(fromWebhook.data().run()).as("the same run, field for field").isEqualTo(polled);

        // Polling sees the same ending: its CiRunCompleted has the webhook's id and source.
        CiRun awaited = actions.awaitCompletion(RUN_ID, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        assertThat(awaited.status()).isEqualTo(CiStatus.SUCCEEDED);

        // The run is re-run and fails: another ending of the same run, on the same ordering key, after the polled
        // copy. The subscription receives it next: the polled copy in between was taken for a duplicate.
        byte[] rerun = new String(body, StandardCharsets.UTF_8)
                .replace("\"conclusion\": \"success\"", "\"conclusion\": \"failure\"")
                .replace("\"run_attempt\": 1", "\"run_attempt\": 2")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("9a8b7c6d-0000-4000-8000-000000000002", rerun)).isEqualTo(202);
        Event<CiRunCompleted> next = completions.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        assertThat(next.data().run().status()).isEqualTo(CiStatus.FAILED);
        assertThat(next.id()).isEqualTo("github:gh-actions:" + RUN_ID + ":failed");

        FunctionCounter published = platform.meterRegistry()
                .find(BusMetrics.PUBLISHED)
                .tag("topic", CiEvents.DEFAULT_TOPIC)
                .functionCounter();
        assertThat(published).isNotNull();
        assertThat(published.count()).as("webhook, polling, webhook").isEqualTo(3);
        FunctionCounter deduplicated = platform.meterRegistry()
                .find(BusMetrics.DEDUPLICATED)
                .tag("group", "deploy-gate")
                .functionCounter();
        assertThat(deduplicated).isNotNull();
        assertThat(deduplicated.count()).isEqualTo(1);
        assertThat(fromWebhook.source()).isEqualTo(URI.create("/scaleplane/ci/gh-actions"));
    }
}
