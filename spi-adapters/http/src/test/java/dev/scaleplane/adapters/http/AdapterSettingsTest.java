package dev.scaleplane.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterSettingsTest {

    @Test
    void readsAnInstanceAndBuildsItsAuthenticator() {
        AdapterSettings settings = AdapterSettings.read(
                "gitlab-main",
                ScaleplaneProperties.of(Map.of(
                        "scaleplane.adapters.gitlab-main.base-url", "https://gitlab.example.com/api/v4",
                        "scaleplane.adapters.gitlab-main.request-timeout", "5s",
                        "scaleplane.adapters.gitlab-main.max-attempts", "2",
                        "scaleplane.adapters.gitlab-main.auth.type", "header",
                        "scaleplane.adapters.gitlab-main.auth.token", "glpat-abc")));
        assertThat(settings.baseUri()).isEqualTo(URI.create("https://gitlab.example.com/api/v4"));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxAttempts()).isEqualTo(2);
        assertThat(settings.authenticator().credentialKey()).startsWith("header:PRIVATE-TOKEN:");
        assertThat(settings.toString()).doesNotContain("glpat-abc");
        assertThat(settings.clientBuilder("gitlab").build().instance()).isEqualTo("gitlab-main");
    }

    @Test
    void collectsEveryProblemInOneExceptionWithSecretsRedacted() {
        assertThatThrownBy(() -> AdapterSettings.read(
                        "jenkins",
                        ScaleplaneProperties.of(Map.of(
                                "scaleplane.adapters.jenkins.base-url", "ftp://ci",
                                "scaleplane.adapters.jenkins.max-attempts", "0",
                                "scaleplane.adapters.jenkins.request-timeout", "soon",
                                "scaleplane.adapters.jenkins.auth.type", "jenkins",
                                "scaleplane.adapters.jenkins.auth.token", "11aa22bb"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    "scaleplane.adapters.jenkins.base-url",
                                    "scaleplane.adapters.jenkins.max-attempts",
                                    "scaleplane.adapters.jenkins.request-timeout",
                                    "scaleplane.adapters.jenkins.auth.username");
                    assertThat(e.getMessage()).doesNotContain("11aa22bb");
                });
    }

    @Test
    void aMissingBaseUrlAndAnUnreadableKeyAreBothReported() {
        assertThatThrownBy(() -> AdapterSettings.read(
                        "gh",
                        ScaleplaneProperties.of(Map.of(
                                "scaleplane.adapters.gh.auth.type", "github-app",
                                "scaleplane.adapters.gh.auth.app-id", "1",
                                "scaleplane.adapters.gh.auth.installation-id", "2",
                                "scaleplane.adapters.gh.auth.private-key-file", "/nonexistent/key.pem"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly(
                                "scaleplane.adapters.gh.base-url", "scaleplane.adapters.gh.auth.private-key-file"));
    }
}
