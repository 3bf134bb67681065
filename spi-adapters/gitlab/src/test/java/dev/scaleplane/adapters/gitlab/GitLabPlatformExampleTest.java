package dev.scaleplane.adapters.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=gitlab} and
 * validated when the platform is built, on the GitLab simulation.
 */
class GitLabPlatformExampleTest {
    private static final String P = "scaleplane.adapters.gitlab-com.";

    private FakeGitLab gitlab;

    @BeforeEach
    void start() {
        gitlab = FakeGitLab.launch();
    }

    @AfterEach
    void stop() {
        gitlab.shutdown();
    }

    @Test
    void theReadmeExampleTriggersAndAwaitsAPipelineThroughThePlatform() {
        Map<String, String> config = Map.of(
                P + "type", "gitlab",
                P + "base-url", gitlab.baseUrl(),
                P + "auth.token", FakeGitLab.TOKEN,
                P + "pipelines.poll-interval", "2ms",
                P + "pipelines.max-poll-interval", "10ms");
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            CiAdapter ci = platform.adapters().ci("gitlab-com");
            CiRun run = ci.trigger(new CiTrigger("acme/platform/app", "main", Map.of("DEPLOY_ENV", "staging")));
            // README: end
            gitlab.ci().finishAfterReads(run.id(), 2, CiStatus.SUCCEEDED);
            // README: begin
            CiRun done = ci.awaitCompletion(run.id(), Duration.ofMinutes(30)).join();
            // README: end
            assertThat(ci.system()).isEqualTo("gitlab");
            assertThat(done.status()).isEqualTo(CiStatus.SUCCEEDED);
            assertThat(done.conclusion()).isEqualTo("success");
            assertThat(gitlab.ci().inputsOf(run.id())).isEqualTo(Map.of("DEPLOY_ENV", "staging"));
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "gitlab",
                P + "auth.type", "bearer",
                P + "page-size", "1000");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "auth.token", P + "page-size"));
    }
}
