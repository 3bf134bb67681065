package dev.scaleplane.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code scaleplane.webhooks.*}: defaults, every problem in one exception, secrets never shown. */
class WebhookSettingsTest {

    @Test
    void aMinimalEndpointGetsEveryDefault() {
        WebhookSettings settings = WebhookSettings.read(ScaleplaneProperties.of(Map.of(
                "scaleplane.webhooks.endpoints.github.sender", "github",
                "scaleplane.webhooks.endpoints.github.secret", "gh-secret-value")));
        assertThat(settings.endpoints()).hasSize(1);
        WebhookSettings.Endpoint github = settings.endpoints().get(0);
        assertThat(github.name()).isEqualTo("github");
        assertThat(github.sender()).isEqualTo(Sender.GITHUB);
        assertThat(github.secret().reveal()).isEqualTo("gh-secret-value");
        assertThat(github.path()).isEqualTo("/webhooks/github");
        assertThat(github.topic()).isEqualTo(WebhookSettings.DEFAULT_TOPIC);
        assertThat(github.ciInstance()).isNull();
        assertThat(github.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(settings.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.dedupWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.dedupMaxEntries()).isEqualTo(100_000);
        assertThat(settings.server()).isEqualTo(WebhookSettings.Server.defaults());
        assertThat(settings.server().bindAddress())
                .as("loopback unless told otherwise")
                .isEqualTo("127.0.0.1");
        assertThat(settings.toString()).doesNotContain("gh-secret-value").contains("secret=****");
    }

    @Test
    void everyKeyIsRead() {
        WebhookSettings settings = WebhookSettings.read(ScaleplaneProperties.of(Map.ofEntries(
                Map.entry("scaleplane.webhooks.endpoints.ci.sender", "GitLab"),
                Map.entry("scaleplane.webhooks.endpoints.ci.secret", " token "),
                Map.entry("scaleplane.webhooks.endpoints.ci.path", "/hooks/gitlab"),
                Map.entry("scaleplane.webhooks.endpoints.ci.topic", "gitlab-events"),
                Map.entry("scaleplane.webhooks.endpoints.ci.ci-instance", "gitlab-main"),
                Map.entry("scaleplane.webhooks.endpoints.ci.max-body-bytes", "4096"),
                Map.entry(CiEvents.completionsTopicKey("gitlab-main"), "ci-gitlab"),
                Map.entry("scaleplane.webhooks.max-body-bytes", "2048"),
                Map.entry("scaleplane.webhooks.publish-timeout", "250ms"),
                Map.entry("scaleplane.webhooks.dedup.window", "2h"),
                Map.entry("scaleplane.webhooks.dedup.max-entries", "10"),
                Map.entry("scaleplane.webhooks.server.bind-address", "0.0.0.0"),
                Map.entry("scaleplane.webhooks.server.port", "0"),
                Map.entry("scaleplane.webhooks.server.threads", "2"),
                Map.entry("scaleplane.webhooks.server.drain-timeout", "1s"))));
        WebhookSettings.Endpoint ci = settings.endpoints().get(0);
        assertThat(ci)
                .extracting(
                        WebhookSettings.Endpoint::sender,
                        WebhookSettings.Endpoint::path,
                        WebhookSettings.Endpoint::topic,
                        WebhookSettings.Endpoint::ciInstance,
                        WebhookSettings.Endpoint::ciTopic,
                        WebhookSettings.Endpoint::maxBodyBytes)
                .containsExactly(Sender.GITLAB, "/hooks/gitlab", "gitlab-events", "gitlab-main", "ci-gitlab", 4096);
        assertThat(ci.secret().reveal()).isEqualTo("token");
        assertThat(settings.publishTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.dedupWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.dedupMaxEntries()).isEqualTo(10);
        assertThat(settings.server()).isEqualTo(new WebhookSettings.Server("0.0.0.0", 0, 2, Duration.ofSeconds(1)));
    }

    @Test
    void aCiEndpointWithoutItsOwnTopicUsesTheInstancesDefaultCompletionsTopic() {
        WebhookSettings settings = WebhookSettings.read(ScaleplaneProperties.of(Map.of(
                "scaleplane.webhooks.endpoints.jenkins.sender", "jenkins",
                "scaleplane.webhooks.endpoints.jenkins.secret", "s3cret",
                "scaleplane.webhooks.endpoints.jenkins.ci-instance", "jenkins-main")));
        assertThat(settings.endpoints().get(0).ciTopic()).isEqualTo(CiEvents.DEFAULT_TOPIC);
    }

    @Test
    void everyProblemIsReportedAtOnceWithSecretsRedacted() {
        Map<String, String> config = Map.ofEntries(
                Map.entry("scaleplane.webhooks.endpoints.nosender.secret", "leaky-secret-1"),
                Map.entry("scaleplane.webhooks.endpoints.nosecret.sender", "github"),
                Map.entry("scaleplane.webhooks.endpoints.badsender.sender", "bitbucket"),
                Map.entry("scaleplane.webhooks.endpoints.badsender.secret", "leaky-secret-2"),
                Map.entry("scaleplane.webhooks.endpoints.jira.sender", "jira"),
                Map.entry("scaleplane.webhooks.endpoints.jira.secret", "leaky-secret-3"),
                Map.entry("scaleplane.webhooks.endpoints.jira.ci-instance", "jenkins-main"),
                Map.entry("scaleplane.webhooks.endpoints.jira.path", "webhooks/jira"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab.sender", "gitlab"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab.secret", "leaky-secret-4"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab.topic", "gitlab events"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab.path", "/webhooks/same"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab2.sender", "gitlab"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab2.secret", "leaky-secret-5"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab2.path", "/webhooks/same"),
                Map.entry("scaleplane.webhooks.endpoints.gitlab2.secrte", "leaky-secret-6"),
                Map.entry("scaleplane.webhooks.max-body-bytes", "10"),
                Map.entry("scaleplane.webhooks.server.port", "70000"));
        assertThatThrownBy(() -> WebhookSettings.read(ScaleplaneProperties.of(config)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains(
                                    "scaleplane.webhooks.endpoints.nosender.sender",
                                    "scaleplane.webhooks.endpoints.nosecret.secret",
                                    "scaleplane.webhooks.endpoints.badsender.sender",
                                    "scaleplane.webhooks.endpoints.jira.ci-instance",
                                    "scaleplane.webhooks.endpoints.jira.path",
                                    "scaleplane.webhooks.endpoints.gitlab.topic",
                                    "scaleplane.webhooks.endpoints.gitlab2.path",
                                    "scaleplane.webhooks.endpoints.gitlab2.secrte",
                                    "scaleplane.webhooks.max-body-bytes",
                                    "scaleplane.webhooks.server.port");
                    assertThat(e.getMessage())
                            .contains("did you mean scaleplane.webhooks.endpoints.gitlab2.secret?")
                            .doesNotContain("leaky-secret");
                });
    }

    @Test
    void noEndpointIsAProblemThatSaysHowToAddOne() {
        assertThatThrownBy(() -> WebhookSettings.read(ScaleplaneProperties.of(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("scaleplane.webhooks.endpoints.github.sender=github");
    }
}
