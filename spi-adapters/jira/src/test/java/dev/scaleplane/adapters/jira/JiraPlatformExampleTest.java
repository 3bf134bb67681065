package dev.scaleplane.adapters.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=jira} and
 * validated when the platform is built, on the Jira simulation.
 */
class JiraPlatformExampleTest {
    private static final String P = "scaleplane.adapters.jira.";

    private FakeJira simulation;

    @BeforeEach
    void start() {
        simulation = FakeJira.launch();
    }

    @AfterEach
    void stop() {
        simulation.shutdown();
    }

    @Test
    void theReadmeExampleOpensCommentsOnMovesAndClosesAnIssueThroughThePlatform() {
        Map<String, String> config = Map.of(
                P + "type",
                "jira",
                P + "base-url",
                simulation.baseUrl(),
                P + "auth.username",
                FakeJira.EMAIL,
                P + "auth.token",
                FakeJira.TOKEN);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            IssueTrackerAdapter jira = platform.adapters().issues("jira");
            NewIssue failure = NewIssue.builder("OPS", "Nightly build broken")
                    .body(
                            "The nightly build failed on `main`:\n\n- step: **test**\n- log: [run 42](https://ci.example/42)")
                    .labels("incident")
                    .build();
            Issue issue = jira.upsert("nightly-build", failure, "Failed again"); // opens OPS-1
            jira.upsert("nightly-build", failure, "Failed again"); // comments on OPS-1
            jira.transition(issue.id(), "In Progress");
            jira.close(issue.id()); // the first transition into the done category
            // README: end
            assertThat(jira.system()).isEqualTo("jira");
            assertThat(issue.id()).isEqualTo("OPS-1");
            assertThat(issue.labels()).containsExactly("incident", "scaleplane-key:nightly-build");
            assertThat(jira.find("OPS-1").orElseThrow().state()).isEqualTo(IssueState.CLOSED);
        }
        assertThat(simulation.issueTracker().comments("OPS-1"))
                .singleElement()
                .asString()
                .contains("Failed again");
        assertThat(simulation.issueTracker().body("OPS-1"))
                .contains("\"type\":\"bulletList\"", "\"marks\":[{\"type\":\"code\"}]", "https://ci.example/42");
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "jira",
                P + "auth.type", "password",
                P + "page-size", "1000");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(
                                P + "base-url",
                                P + "auth.type",
                                P + "auth.username",
                                P + "auth.token",
                                P + "page-size"));
    }
}
