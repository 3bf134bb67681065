package dev.scaleplane.adapters.jenkins;

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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it, on two simulated controllers: the provider found by ServiceLoader, selected
 * by {@code type=jenkins} for two named instances and validated when the platform is built.
 */
class JenkinsPlatformExampleTest {
    private FakeJenkins main;
    private FakeJenkins legacy;

    @BeforeEach
    void start() {
        main = FakeJenkins.launch("/jenkins");
        legacy = FakeJenkins.launch();
    }

    @AfterEach
    void stop() {
        main.shutdown();
        legacy.shutdown();
    }

    private static void instance(Map<String, String> config, String name, FakeJenkins jenkins) {
        String p = "scaleplane.adapters." + name + ".";
        config.put(p + "type", "jenkins");
        config.put(p + "base-url", jenkins.baseUrl());
        config.put(p + "auth.username", FakeJenkins.USER);
        config.put(p + "auth.token", FakeJenkins.TOKEN);
        config.put(p + "poll-interval", "2ms");
        config.put(p + "max-poll-interval", "10ms");
    }

    @Test
    void theReadmeExampleTriggersAndAwaitsAJobInAFolderThroughThePlatform() {
        Map<String, String> config = new HashMap<>();
        instance(config, "jenkins-main", main);
        config.put("scaleplane.adapters.jenkins-main.ref-parameter", "BRANCH");
        instance(config, "jenkins-legacy", legacy);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            assertThat(platform.adapters().ciNames()).containsExactlyInAnyOrder("jenkins-main", "jenkins-legacy");
            // README: begin
            CiAdapter ci = platform.adapters().ci("jenkins-main");
            CiRun run = ci.trigger(new CiTrigger("team/platform/deploy", "main", Map.of("version", "1.2.3")));
            // run.id() is "team/platform/deploy#queue-<id>" until Jenkins starts the build
            // README: end
            main.simulation().startRun(run.id());
            main.simulation().finishAfterReads(run.id(), 2, CiStatus.SUCCEEDED);
            // README: begin
            CiRun done = ci.awaitCompletion(run.id(), Duration.ofMinutes(30)).join();
            // done.id() is "team/platform/deploy#<build number>", done.conclusion() Jenkins' result, e.g. SUCCESS
            // README: end
            assertThat(run.id()).isEqualTo("team/platform/deploy#queue-101");
            assertThat(done.id()).isEqualTo("team/platform/deploy#1");
            assertThat(done.status()).isEqualTo(CiStatus.SUCCEEDED);
            assertThat(done.conclusion()).isEqualTo("SUCCESS");
            assertThat(done.ref()).isEqualTo("main");
            assertThat(main.simulation().inputsOf(run.id())).isEqualTo(Map.of("version", "1.2.3", "DRY_RUN", "false"));

            CiAdapter other = platform.adapters().ci("jenkins-legacy");
            assertThat(other.trigger(CiTrigger.of("team/platform/nightly", "")).id())
                    .isEqualTo("team/platform/nightly#queue-101");
            assertThat(legacy.server().getAllServeEvents()).hasSize(1);
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        String p = "scaleplane.adapters.jenkins-main.";
        Map<String, String> config = Map.of(
                p + "type", "jenkins",
                p + "auth.username", "ci-bot",
                p + "page-size", "0",
                p + "poll-intervall", "1s");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(p + "base-url", p + "auth.token", p + "page-size", p + "poll-intervall"));
    }
}
