package dev.scaleplane.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.adapters.webhooks.internal.Signatures;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiRunCompleted;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver end to end: a real JDK {@code HttpServer} on 127.0.0.1 ({@link WebhookServer}), the JDK {@code
 * HttpClient} as the sender, the real in-memory bus of a platform built as a user builds it. Every sender is fed its
 * documented headers and payload shapes (see {@code SenderProtocolsTest} for the sources).
 *
 * <p>"Nothing published" is read from the bus's own {@code scaleplane.events.published} counter: the receiver answers
 * only after the bus accepted (or refused) its events, so the counter is exact when the answer arrives.
 */
class WebhookServerTest {
    static final String GITHUB_SECRET = "gh-webhook-secret-5f1c";
    static final String GITLAB_TOKEN = "gl-secret-token-88aa";
    static final String JENKINS_TOKEN = "jenkins-shared-token-31";
    static final String JIRA_SECRET = "jira-webhook-secret-0b7e";
    static final String WEBHOOK_TOPIC = WebhookSettings.DEFAULT_TOPIC;

    private ScaleplanePlatform platform;
    private WebhookServer server;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final BlockingQueue<Event<Object>> webhookEvents = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event<CiRunCompleted>> completions = new LinkedBlockingQueue<>();

    static Map<String, String> receiverConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.webhooks.endpoints.github.sender", "github");
        config.put("scaleplane.webhooks.endpoints.github.secret", GITHUB_SECRET);
        config.put("scaleplane.webhooks.endpoints.github.ci-instance", "gh-actions");
        config.put("scaleplane.webhooks.endpoints.gitlab.sender", "gitlab");
        config.put("scaleplane.webhooks.endpoints.gitlab.secret", GITLAB_TOKEN);
        config.put("scaleplane.webhooks.endpoints.gitlab.ci-instance", "gitlab-main");
        config.put("scaleplane.webhooks.endpoints.jenkins.sender", "jenkins");
        config.put("scaleplane.webhooks.endpoints.jenkins.secret", JENKINS_TOKEN);
        config.put("scaleplane.webhooks.endpoints.jenkins.path", "/hooks/jenkins");
        config.put("scaleplane.webhooks.endpoints.jenkins.ci-instance", "jenkins-main");
        config.put("scaleplane.webhooks.endpoints.jira.sender", "jira");
        config.put("scaleplane.webhooks.endpoints.jira.secret", JIRA_SECRET);
        config.put("scaleplane.webhooks.endpoints.jira.max-body-bytes", "2048");
        config.put("scaleplane.webhooks.server.port", "0");
        config.put("scaleplane.webhooks.server.drain-timeout", "2s");
        return config;
    }

    @BeforeEach
    void start() {
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(receiverConfig()))
                .build();
        platform.events().subscribe(SubscriptionOptions.of(WEBHOOK_TOPIC, "test"), webhookEvents::add);
        platform.events()
                .subscribe(
                        SubscriptionOptions.of(CiEvents.DEFAULT_TOPIC, "test"),
                        CiEvents.RUN_COMPLETED,
                        completions::add);
        server = WebhookServer.start(WebhookReceiver.create(platform));
    }

    @AfterEach
    void stop() {
        server.close();
        platform.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Senders and helpers
    // ------------------------------------------------------------------------------------------------------------

    static byte[] payload(String name) {
        try (InputStream in = WebhookServerTest.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test payload " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String githubSignature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256(Secret.of(secret), body));
    }

    /** What GitHub sends: its delivery headers ("Webhook events and payloads", "Delivery headers"). */
    static Map<String, String> githubHeaders(String event, String delivery, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("User-Agent", "GitHub-Hookshot/044aadd");
        headers.put("Content-Type", "application/json");
        headers.put("X-GitHub-Event", event);
        headers.put("X-GitHub-Delivery", delivery);
        headers.put("X-GitHub-Hook-ID", "292430182");
        headers.put("X-GitHub-Hook-Installation-Target-ID", "79929171");
        headers.put("X-GitHub-Hook-Installation-Target-Type", "repository");
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        return headers;
    }

    HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::setHeader);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postGitHub(String event, String delivery, byte[] body) throws Exception {
        return post("/webhooks/github", githubHeaders(event, delivery, githubSignature(GITHUB_SECRET, body)), body);
    }

    double published(String topic) {
        FunctionCounter counter = platform.meterRegistry()
                .find(BusMetrics.PUBLISHED)
                .tag("topic", topic)
                .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    double deliveries(String endpoint, String outcome) {
        Counter counter = platform.meterRegistry()
                .find(WebhookReceiver.DELIVERIES)
                .tag("endpoint", endpoint)
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(10, TimeUnit.SECONDS);
        assertThat(item).as("an event within 10 s").isNotNull();
        return item;
    }

    // ------------------------------------------------------------------------------------------------------------
    // GitHub
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void aSignedGithubWorkflowRunBecomesAWebhookEventAndACiRunCompleted() throws Exception {
        byte[] body = payload("github-workflow_run-completed.json");
        HttpResponse<String> response = postGitHub("workflow_run", "72d3162e-cc78-11e3-81ab-4c9367dc0958", body);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"status\":\"accepted\"", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");

        Event<Object> event = next(webhookEvents);
        assertThat(event.type()).isEqualTo("dev.scaleplane.webhook.github.workflow_run.v1");
        assertThat(event.id()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(event.source()).isEqualTo(URI.create("/webhooks/github"));
        assertThat(event.subject()).isEqualTo("octo-org/octo-repo");
        assertThat(event.data()).isInstanceOf(Map.class);
        Map<?, ?> data = (Map<?, ?>) event.data();
        assertThat(data.get("action")).isEqualTo("completed");
        assertThat(((Map<?, ?>) data.get("workflow_run")).get("id")).isEqualTo(9177231450L);

        Event<CiRunCompleted> completion = next(completions);
        assertThat(completion.id()).isEqualTo("github:gh-actions:octo-org/octo-repo/9177231450:succeeded");
        assertThat(completion.source()).isEqualTo(CiEvents.source("gh-actions"));
        assertThat(completion.data().system()).isEqualTo("github");
        assertThat(completion.data().instance()).isEqualTo("gh-actions");
        assertThat(completion.data().via()).isEqualTo(CiRunCompleted.Via.WEBHOOK);
        CiRun run = completion.data().run();
        assertThat(run.id())
                .as("the GitHub adapter's run id, owner/repo/<runId>")
                .isEqualTo("octo-org/octo-repo/9177231450");
        assertThat(run.status()).isEqualTo(CiStatus.SUCCEEDED);
        assertThat(deliveries("github", "accepted")).isEqualTo(1);
    }

    @Test
    void githubsPublishedTestSignatureIsAcceptedAndItsBodyThenRefusedAsNotJson() throws Exception {
        // docs.github.com, "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello,
        // World!", X-Hub-Signature-256 sha256=757107ea... The payload is not JSON, so a receiver that verified the
        // signature answers 400, one that did not 401.
        platform.close();
        server.close();
        Map<String, String> config = receiverConfig();
        config.put("scaleplane.webhooks.endpoints.github.secret", "It's a Secret to Everybody");
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        server = WebhookServer.start(WebhookReceiver.create(platform));

        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = post(
                "/webhooks/github",
                githubHeaders(
                        "ping",
                        "d4c1f3b0-0000-11ee-8000-000000000001",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not a JSON object");

        HttpResponse<String> tampered = post(
                "/webhooks/github",
                githubHeaders(
                        "ping",
                        "d4c1f3b0-0000-11ee-8000-000000000002",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18"),
                body);
        assertThat(tampered.statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongOrMissingSignatureIs401AndPublishesNothing() throws Exception {
        byte[] body = payload("github-workflow_run-completed.json");
        HttpResponse<String> wrongSecret = post(
                "/webhooks/github", githubHeaders("workflow_run", "a1", githubSignature("not-the-secret", body)), body);
        byte[] altered = new String(body, StandardCharsets.UTF_8)
                .replace("\"success\"", "\"failure\"")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> alteredBody = post(
                "/webhooks/github", githubHeaders("workflow_run", "a2", githubSignature(GITHUB_SECRET, body)), altered);
        HttpResponse<String> missing = post("/webhooks/github", githubHeaders("workflow_run", "a3", null), body);
        HttpResponse<String> sha1Only = post(
                "/webhooks/github",
                Map.of("X-GitHub-Event", "workflow_run", "X-GitHub-Delivery", "a4", "X-Hub-Signature", "sha1=abc"),
                body);

        assertThat(List.of(wrongSecret, alteredBody, missing, sha1Only))
                .extracting(HttpResponse::statusCode)
                .containsOnly(401);
        assertThat(missing.body()).contains("missing X-Hub-Signature-256 header");
        assertThat(wrongSecret.body()).doesNotContain(GITHUB_SECRET).doesNotContain("not-the-secret");
        assertThat(published(WEBHOOK_TOPIC)).isZero();
        assertThat(published(CiEvents.DEFAULT_TOPIC)).isZero();
        assertThat(deliveries("github", "unauthorized")).isEqualTo(4);
    }

    @Test
    void aReplayedDeliveryIdIsAnswered200AndPublishedOnce() throws Exception {
        byte[] body = payload("github-workflow_run-completed.json");
        assertThat(postGitHub("workflow_run", "5b0c7c1e-0000-4000-8000-00000000beef", body)
                        .statusCode())
                .isEqualTo(202);
        HttpResponse<String> replay = postGitHub("workflow_run", "5b0c7c1e-0000-4000-8000-00000000beef", body);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("\"status\":\"duplicate\"");
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(1);
        assertThat(published(CiEvents.DEFAULT_TOPIC)).isEqualTo(1);

        // The same id at another endpoint is another delivery: ids are kept per source.
        byte[] jira = payload("jira-issue_updated.json");
        Map<String, String> jiraHeaders = Map.of(
                "X-Atlassian-Webhook-Identifier",
                "5b0c7c1e-0000-4000-8000-00000000beef",
                "X-Hub-Signature",
                githubSignature(JIRA_SECRET, jira));
        assertThat(post("/webhooks/jira", jiraHeaders, jira).statusCode()).isEqualTo(202);
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(2);
        assertThat(deliveries("github", "duplicate")).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Bodies
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void anOversizedBodyIs400WithoutBeingVerified() throws Exception {
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        HttpResponse<String> response = post(
                "/webhooks/jira",
                Map.of("X-Atlassian-Webhook-Identifier", "big-1", "X-Hub-Signature", githubSignature(JIRA_SECRET, big)),
                big);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("4096 bytes", "2048 bytes", "max-body-bytes");
        assertThat(published(WEBHOOK_TOPIC)).isZero();

        // At the limit exactly, the same endpoint accepts.
        byte[] fits = new byte[2048];
        Arrays.fill(fits, (byte) ' ');
        fits[0] = '{';
        fits[fits.length - 1] = '}';
        HttpResponse<String> ok = post(
                "/webhooks/jira",
                Map.of(
                        "X-Atlassian-Webhook-Identifier",
                        "big-2",
                        "X-Hub-Signature",
                        githubSignature(JIRA_SECRET, fits)),
                fits);
        assertThat(ok.statusCode()).isEqualTo(202);
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs400() throws Exception {
        for (String text : List.of("{\"action\": \"completed\"", "[1, 2]", "\"text\"", "", "{} {}")) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = postGitHub("push", "malformed-" + text.length(), body);
            assertThat(response.statusCode()).as("body <%s>", text).isEqualTo(400);
        }
        assertThat(published(WEBHOOK_TOPIC)).isZero();
    }

    @Test
    void unknownPathsAndOtherMethodsAreRefused() throws Exception {
        assertThat(post("/webhooks/bitbucket", Map.of(), "{}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(server.uri("/webhooks/github")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    // ------------------------------------------------------------------------------------------------------------
    // The bus refusing
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void aBusThatRefusesGets503AndTheRetryOfTheSameDeliveryGoesThrough() throws Exception {
        platform.close();
        server.close();
        // A small in-memory bus whose only consumer is stuck: its partition fills, publish times out after 200 ms.
        Map<String, String> config = receiverConfig();
        config.put("scaleplane.events.memory.buffer-size", "2");
        config.put("scaleplane.events.memory.partitions", "1");
        config.put("scaleplane.events.publish-timeout", "200ms");
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        CountDownLatch unblock = new CountDownLatch(1);
        BlockingQueue<Event<Object>> handled = new LinkedBlockingQueue<>();
        platform.events().subscribe(SubscriptionOptions.of(WEBHOOK_TOPIC, "stuck"), e -> {
            unblock.await();
            handled.add(e);
        });
        server = WebhookServer.start(WebhookReceiver.create(platform));
        int fillers = 0;
        while (true) {
            Event<String> filler = Event.builder("test.filler.v1", "x")
                    .source("/test")
                    .id("filler-" + fillers)
                    .build();
            try {
                platform.events().publish(WEBHOOK_TOPIC, filler).get(10, TimeUnit.SECONDS);
                fillers++;
            } catch (ExecutionException full) {
                assertThat(full.getCause()).isInstanceOf(PublishTimeoutException.class);
                break;
            }
            assertThat(fillers).as("the bus fills up").isLessThan(100);
        }

        byte[] body = payload("github-workflow_run-completed.json");
        HttpResponse<String> refused = postGitHub("workflow_run", "retry-me", body);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(refused.body()).contains("retry later");
        assertThat(deliveries("github", "unavailable")).isEqualTo(1);

        unblock.countDown();
        for (int i = 0; i < fillers; i++) {
            assertThat(next(handled).id()).startsWith("filler-");
        }
        HttpResponse<String> retried = postGitHub("workflow_run", "retry-me", body);
        assertThat(retried.statusCode())
                .as("the refused delivery was not remembered")
                .isEqualTo(202);
        assertThat(next(handled).id()).isEqualTo("retry-me");
    }

    @Test
    void aClosedBusIs503() throws Exception {
        ScaleplanePlatform busOwner =
                Scaleplane.builder().config(ScaleplaneProperties.of(Map.of())).build();
        WebhookReceiver receiver = WebhookReceiver.builder(
                        busOwner.events(), WebhookSettings.read(ScaleplaneProperties.of(receiverConfig())))
                .build();
        busOwner.close();
        try (WebhookServer closedBus = WebhookServer.start(receiver)) {
            byte[] body = payload("jira-issue_updated.json");
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(closedBus.uri("/webhooks/jira"))
                            .header("X-Atlassian-Webhook-Identifier", "closed-1")
                            .header("X-Hub-Signature", githubSignature(JIRA_SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // GitLab, Jenkins, Jira
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void gitlabPipelineHooksAreCheckedByTokenAndEndedPipelinesCompleteRuns() throws Exception {
        byte[] body = payload("gitlab-pipeline-success.json");
        Map<String, String> headers = new HashMap<>(Map.of(
                "User-Agent", "GitLab/17.4.0",
                "X-Gitlab-Event", "Pipeline Hook",
                "X-Gitlab-Instance", "https://gitlab.example.com",
                "X-Gitlab-Webhook-UUID", "02affd2d-2cba-4033-917d-ec22d5dc4b38",
                "X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e",
                "Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
                "X-Gitlab-Token", GITLAB_TOKEN));
        assertThat(post("/webhooks/gitlab", headers, body).statusCode()).isEqualTo(202);
        Event<Object> event = next(webhookEvents);
        assertThat(event.type()).isEqualTo("dev.scaleplane.webhook.gitlab.pipeline.v1");
        assertThat(event.id()).isEqualTo("f5e5f430-f57b-4e6e-9fac-d9128cd7232f");
        assertThat(event.subject()).isEqualTo("platform/services/api");
        Event<CiRunCompleted> completion = next(completions);
        assertThat(completion.data().run().id()).as("<project>/<pipelineId>").isEqualTo("platform/services/api/31");
        assertThat(completion.id()).isEqualTo("gitlab:gitlab-main:platform/services/api/31:succeeded");

        // GitLab's "Resend Request" keeps the Idempotency-Key.
        assertThat(post("/webhooks/gitlab", headers, body).statusCode()).isEqualTo(200);

        byte[] running = new String(body, StandardCharsets.UTF_8)
                .replace("\"status\": \"success\",", "\"status\": \"running\",")
                .getBytes(StandardCharsets.UTF_8);
        headers.put("Idempotency-Key", "0d7b1c2e-9a51-4c36-b1b0-7d3f2f0f4a11");
        assertThat(post("/webhooks/gitlab", headers, running).statusCode()).isEqualTo(202);
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(2);
        assertThat(published(CiEvents.DEFAULT_TOPIC))
                .as("a running pipeline has not ended")
                .isEqualTo(1);

        headers.put("X-Gitlab-Token", GITLAB_TOKEN + "x");
        headers.put("Idempotency-Key", "e0b1a3f6-1111-4222-8333-944455556666");
        assertThat(post("/webhooks/gitlab", headers, body).statusCode()).isEqualTo(401);
        headers.remove("X-Gitlab-Token");
        assertThat(post("/webhooks/gitlab", headers, body).statusCode()).isEqualTo(401);
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(2);
    }

    @Test
    void jenkinsNotificationsAreCheckedByTokenAndBothEndingPhasesCompleteTheSameRun() throws Exception {
        byte[] completed = payload("jenkins-completed.json");
        Map<String, String> json = Map.of("Content-Type", "application/json;charset=UTF-8");
        assertThat(post("/hooks/jenkins?token=" + JENKINS_TOKEN, json, completed)
                        .statusCode())
                .isEqualTo(202);
        Event<Object> event = next(webhookEvents);
        assertThat(event.type()).isEqualTo("dev.scaleplane.webhook.jenkins.completed.v1");
        assertThat(event.id()).isEqualTo("platform/services/api#42:COMPLETED");
        assertThat(event.subject()).isEqualTo("platform/services/api");
        Event<CiRunCompleted> first = next(completions);
        assertThat(first.data().run().id()).as("<full name>#<build number>").isEqualTo("platform/services/api#42");
        assertThat(first.data().run().status()).isEqualTo(CiStatus.FAILED);
        assertThat(first.data().run().conclusion()).isEqualTo("UNSTABLE");

        // The plugin's retry of the same phase is a duplicate; FINALIZED is another delivery whose completion has
        // the same id as COMPLETED's, so consumers see the run end once.
        assertThat(post("/hooks/jenkins?token=" + JENKINS_TOKEN, json, completed)
                        .statusCode())
                .isEqualTo(200);
        byte[] finalized = new String(completed, StandardCharsets.UTF_8)
                .replace("\"COMPLETED\"", "\"FINALIZED\"")
                .getBytes(StandardCharsets.UTF_8);
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("jenkins:" + JENKINS_TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(post("/hooks/jenkins", Map.of("Authorization", basic), finalized)
                        .statusCode())
                .isEqualTo(202);
        assertThat(next(webhookEvents).id()).isEqualTo("platform/services/api#42:FINALIZED");
        assertThat(next(completions).id()).isEqualTo(first.id());

        assertThat(post("/hooks/jenkins?token=guess", json, completed).statusCode())
                .isEqualTo(401);
        assertThat(post("/hooks/jenkins", json, completed).statusCode()).isEqualTo(401);
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(2);
    }

    @Test
    void jiraWebhooksAreCheckedByTheirHmacSignature() throws Exception {
        byte[] body = payload("jira-issue_updated.json");
        Map<String, String> headers = new HashMap<>(Map.of(
                "X-Atlassian-Webhook-Identifier",
                "b3b8b37c-17b4-4d5b-a2f2-6ef7e3a61a6c",
                "X-Hub-Signature",
                githubSignature(JIRA_SECRET, body)));
        assertThat(post("/webhooks/jira", headers, body).statusCode()).isEqualTo(202);
        Event<Object> event = next(webhookEvents);
        assertThat(event.type()).isEqualTo("dev.scaleplane.webhook.jira.issue_updated.v1");
        assertThat(event.subject()).isEqualTo("PROJ-123");

        // Jira's retry after a lost answer: same identifier, X-Atlassian-Webhook-Retry added.
        headers.put("X-Atlassian-Webhook-Retry", "1");
        assertThat(post("/webhooks/jira", headers, body).statusCode()).isEqualTo(200);

        headers.put("X-Atlassian-Webhook-Identifier", "c0ffee00-17b4-4d5b-a2f2-6ef7e3a61a6c");
        headers.put("X-Hub-Signature", githubSignature(GITHUB_SECRET, body));
        assertThat(post("/webhooks/jira", headers, body).statusCode()).isEqualTo(401);
        headers.remove("X-Hub-Signature");
        assertThat(post("/webhooks/jira", headers, body).statusCode()).isEqualTo(401);
        assertThat(published(WEBHOOK_TOPIC)).isEqualTo(1);
        assertThat(published(CiEvents.DEFAULT_TOPIC)).isZero();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Server
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void theServerListensOnLoopbackByDefault() {
        assertThat(WebhookSettings.Server.defaults().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.address().getPort()).isPositive();
    }
}
