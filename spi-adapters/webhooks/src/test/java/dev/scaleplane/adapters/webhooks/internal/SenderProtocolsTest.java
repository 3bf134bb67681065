package dev.scaleplane.adapters.webhooks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.webhooks.Sender;
import dev.scaleplane.adapters.webhooks.WebhookRequest;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each sender's mapping of its documented payloads and headers: delivery ids, event names, subjects and ended runs in
 * the run id formats the CI adapters use. The payloads under {@code payloads/} follow the examples of each vendor's
 * documentation (GitHub "Webhook events and payloads" workflow_run, GitLab "Webhook events" pipeline events, the
 * Jenkins Notification plugin's JobState, Jira "Webhooks" issue_updated).
 */
class SenderProtocolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-03-02T17:00:00Z");

    static byte[] payload(String name) {
        try (InputStream in = SenderProtocolsTest.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test payload " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode tree(byte[] body) throws IOException {
        return (ObjectNode) JSON.readTree(body);
    }

    private static WebhookRequest request(String target, Map<String, String> headers, byte[] body) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return WebhookRequest.of("POST", target, multi, body);
    }

    @Test
    void githubWorkflowRunCompletedIsTheRunAsTheActionsAdapterNamesIt() throws IOException {
        SenderProtocol github = SenderProtocol.of(Sender.GITHUB);
        byte[] body = payload("github-workflow_run-completed.json");
        WebhookRequest request = request(
                "/webhooks/github",
                Map.of("X-GitHub-Event", "workflow_run", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
                body);
        JsonNode payload = tree(body);
        assertThat(github.deliveryId(request, payload)).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(github.event(request, payload)).isEqualTo("workflow_run");
        assertThat(github.subject(payload)).isEqualTo("octo-org/octo-repo");
        CiRun run = github.endedRun(request, payload, RECEIVED).orElseThrow();
        assertThat(run)
                .isEqualTo(new CiRun(
                        "octo-org/octo-repo/9177231450",
                        "octo-org/octo-repo/ci.yml",
                        "main",
                        URI.create("https://github.com/octo-org/octo-repo/actions/runs/9177231450"),
                        CiStatus.SUCCEEDED,
                        "success",
                        Instant.parse("2026-03-02T16:33:24Z"),
                        Instant.parse("2026-03-02T16:36:49Z")));

        ObjectNode requested = tree(body);
        requested.put("action", "requested");
        ((ObjectNode) requested.path("workflow_run")).put("status", "queued").putNull("conclusion");
        assertThat(github.endedRun(request, requested, RECEIVED))
                .as("not an ending")
                .isEmpty();
        WebhookRequest push = request("/webhooks/github", Map.of("X-GitHub-Event", "push"), body);
        assertThat(github.endedRun(push, payload, RECEIVED))
                .as("only workflow_run events")
                .isEmpty();
    }

    @Test
    void githubConclusionsMapAsTheActionsAdapterMapsThem() {
        assertThat(GitHubProtocol.map("success")).isEqualTo(CiStatus.SUCCEEDED);
        assertThat(GitHubProtocol.map("neutral")).isEqualTo(CiStatus.SUCCEEDED);
        assertThat(GitHubProtocol.map("cancelled")).isEqualTo(CiStatus.CANCELLED);
        assertThat(GitHubProtocol.map("skipped")).isEqualTo(CiStatus.CANCELLED);
        for (String failed : List.of("failure", "timed_out", "action_required", "startup_failure", "stale", "new")) {
            assertThat(GitHubProtocol.map(failed)).as(failed).isEqualTo(CiStatus.FAILED);
        }
        assertThat(GitHubProtocol.map(null)).isEqualTo(CiStatus.FAILED);
    }

    @Test
    void githubWithoutDeliveryHeaderFallsBackToTheBodysHash() throws IOException {
        byte[] body = payload("github-workflow_run-completed.json");
        WebhookRequest request = request("/webhooks/github", Map.of("X-GitHub-Event", "workflow_run"), body);
        assertThat(SenderProtocol.of(Sender.GITHUB).deliveryId(request, tree(body)))
                .isEqualTo(Signatures.bodyId(body));
    }

    @Test
    void gitlabPipelineWithAFinalStatusIsTheRunAsProjectPathAndPipelineId() throws IOException {
        SenderProtocol gitlab = SenderProtocol.of(Sender.GITLAB);
        byte[] body = payload("gitlab-pipeline-success.json");
        WebhookRequest request = request(
                "/webhooks/gitlab",
                Map.of(
                        "X-Gitlab-Event", "Pipeline Hook",
                        "X-Gitlab-Token", "t",
                        "Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
                        "X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e"),
                body);
        ObjectNode payload = tree(body);
        assertThat(gitlab.event(request, payload)).isEqualTo("pipeline");
        assertThat(gitlab.subject(payload)).isEqualTo("platform/services/api");
        assertThat(gitlab.deliveryId(request, payload))
                .as("Idempotency-Key first: it is the one GitLab keeps across retries")
                .isEqualTo("f5e5f430-f57b-4e6e-9fac-d9128cd7232f");
        assertThat(gitlab.endedRun(request, payload, RECEIVED).orElseThrow())
                .isEqualTo(new CiRun(
                        "platform/services/api/31",
                        "platform/services/api",
                        "main",
                        URI.create("https://gitlab.example.com/platform/services/api/-/pipelines/31"),
                        CiStatus.SUCCEEDED,
                        "success",
                        Instant.parse("2026-03-02T15:23:28Z"),
                        Instant.parse("2026-03-02T15:26:29Z")));

        for (Map.Entry<String, CiStatus> e : Map.of(
                        "failed", CiStatus.FAILED,
                        "canceled", CiStatus.CANCELLED,
                        "canceling", CiStatus.CANCELLED,
                        "skipped", CiStatus.CANCELLED)
                .entrySet()) {
            ((ObjectNode) payload.path("object_attributes")).put("status", e.getKey());
            assertThat(gitlab.endedRun(request, payload, RECEIVED).orElseThrow().status())
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
        for (String going : List.of("created", "pending", "running", "manual", "waiting_for_resource")) {
            ((ObjectNode) payload.path("object_attributes")).put("status", going);
            assertThat(gitlab.endedRun(request, payload, RECEIVED)).as(going).isEmpty();
        }
    }

    @Test
    void gitlabWithoutIdempotencyKeyTellsRecursiveDeliveriesApart() throws IOException {
        SenderProtocol gitlab = SenderProtocol.of(Sender.GITLAB);
        byte[] pipeline = payload("gitlab-pipeline-success.json");
        byte[] other = "{\"object_kind\":\"push\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e");
        String first = gitlab.deliveryId(request("/g", headers, pipeline), tree(pipeline));
        assertThat(first)
                .startsWith("13792a34-cac6-4fda-95a8-c58e00a3954e:")
                .isEqualTo(gitlab.deliveryId(request("/g", headers, pipeline), tree(pipeline)))
                .isNotEqualTo(gitlab.deliveryId(request("/g", headers, other), tree(other)));
        assertThat(gitlab.deliveryId(request("/g", Map.of(), other), tree(other)))
                .isEqualTo(Signatures.bodyId(other));
        assertThat(gitlab.event(request("/g", Map.of("X-Gitlab-Event", "Merge Request Hook"), other), tree(other)))
                .isEqualTo("merge_request");
    }

    @Test
    void jenkinsNotificationsNameTheJobByItsFullNameAndEndOnCompletedOrFinalized() throws IOException {
        SenderProtocol jenkins = SenderProtocol.of(Sender.JENKINS);
        byte[] body = payload("jenkins-completed.json");
        WebhookRequest request = request("/hooks/jenkins?token=s3cret", Map.of(), body);
        ObjectNode payload = tree(body);
        assertThat(jenkins.subject(payload)).isEqualTo("platform/services/api");
        assertThat(jenkins.event(request, payload)).isEqualTo("completed");
        assertThat(jenkins.deliveryId(request, payload)).isEqualTo("platform/services/api#42:COMPLETED");
        assertThat(jenkins.endedRun(request, payload, RECEIVED).orElseThrow())
                .isEqualTo(new CiRun(
                        "platform/services/api#42",
                        "platform/services/api",
                        "origin/main",
                        URI.create("https://jenkins.example.com/job/platform/job/services/job/api/42/"),
                        CiStatus.FAILED,
                        "UNSTABLE",
                        Instant.parse("2026-03-02T10:03:27Z"),
                        Instant.parse("2026-03-02T10:05:00Z")));

        ObjectNode build = (ObjectNode) payload.path("build");
        build.put("phase", "FINALIZED");
        assertThat(jenkins.deliveryId(request, payload)).isEqualTo("platform/services/api#42:FINALIZED");
        assertThat(jenkins.endedRun(request, payload, RECEIVED).orElseThrow().id())
                .isEqualTo("platform/services/api#42");
        for (Map.Entry<String, CiStatus> e : Map.of(
                        "SUCCESS", CiStatus.SUCCEEDED,
                        "FAILURE", CiStatus.FAILED,
                        "ABORTED", CiStatus.CANCELLED,
                        "NOT_BUILT", CiStatus.CANCELLED,
                        "SOMETHING_NEW", CiStatus.FAILED)
                .entrySet()) {
            build.put("status", e.getKey());
            assertThat(jenkins.endedRun(request, payload, RECEIVED)
                            .orElseThrow()
                            .status())
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
        build.put("phase", "STARTED"); // STARTED carries the previous build's status: not an ending
        assertThat(jenkins.endedRun(request, payload, RECEIVED)).isEmpty();

        ObjectNode multibranch = tree(body);
        multibranch.put("name", "feature%2Fx").put("url", "job/org/job/repo/job/feature%252Fx/");
        assertThat(jenkins.subject(multibranch))
                .as("decoded once, as Jenkins names the branch job")
                .isEqualTo("org/repo/feature%2Fx");
    }

    @Test
    void jenkinsTakesTheTokenFromTheQueryOrTheBasicPassword() {
        SenderProtocol jenkins = SenderProtocol.of(Sender.JENKINS);
        Secret secret = Secret.of("s3cret");
        byte[] body = payload("jenkins-completed.json");
        assertThat(jenkins.reject(request("/hooks/jenkins?token=s3cret", Map.of(), body), secret))
                .isNull();
        assertThat(jenkins.reject(request("/hooks/jenkins?a=1&token=s3cr%65t", Map.of(), body), secret))
                .as("URL-decoded")
                .isNull();
        String basic = "Basic " + Base64.getEncoder().encodeToString("jenkins:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(jenkins.reject(request("/hooks/jenkins", Map.of("Authorization", basic), body), secret))
                .isNull();
        assertThat(jenkins.reject(request("/hooks/jenkins?token=guess", Map.of(), body), secret))
                .isEqualTo("the token query parameter does not match the shared token");
        String wrongBasic =
                "Basic " + Base64.getEncoder().encodeToString("jenkins:guess".getBytes(StandardCharsets.UTF_8));
        assertThat(jenkins.reject(request("/hooks/jenkins", Map.of("Authorization", wrongBasic), body), secret))
                .isEqualTo("the Authorization password does not match the shared token");
        assertThat(jenkins.reject(request("/hooks/jenkins", Map.of("Authorization", "Basic %%%"), body), secret))
                .startsWith("no token");
        assertThat(jenkins.reject(request("/hooks/jenkins", Map.of(), body), secret))
                .startsWith("no token");
    }

    @Test
    void jiraEventsAreNamedWithoutTheirPrefixAndAreAboutTheIssueKey() throws IOException {
        SenderProtocol jira = SenderProtocol.of(Sender.JIRA);
        byte[] body = payload("jira-issue_updated.json");
        WebhookRequest request = request(
                "/webhooks/jira",
                Map.of("X-Atlassian-Webhook-Identifier", "b3b8b37c-17b4-4d5b-a2f2-6ef7e3a61a6c"),
                body);
        ObjectNode payload = tree(body);
        assertThat(jira.event(request, payload)).isEqualTo("issue_updated");
        assertThat(jira.subject(payload)).isEqualTo("PROJ-123");
        assertThat(jira.deliveryId(request, payload)).isEqualTo("b3b8b37c-17b4-4d5b-a2f2-6ef7e3a61a6c");
        assertThat(jira.endedRun(request, payload, RECEIVED)).isEmpty();
        payload.put("webhookEvent", "sprint_started");
        assertThat(jira.event(request, payload)).isEqualTo("sprint_started");
    }

    @Test
    void eventNamesBecomeOneSafeSegment() {
        assertThat(Payloads.segment("Pipeline")).isEqualTo("pipeline");
        assertThat(Payloads.segment("Merge Request")).isEqualTo("merge_request");
        assertThat(Payloads.segment("  weird.name/../x ")).isEqualTo("weird_name_x");
        assertThat(Payloads.segment("___")).isEqualTo("unknown");
        assertThat(Payloads.segment(null)).isEqualTo("unknown");
    }
}
