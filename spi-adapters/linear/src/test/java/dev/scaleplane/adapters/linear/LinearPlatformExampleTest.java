package dev.scaleplane.adapters.linear;

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
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=linear} and
 * validated when the platform is built, on the Linear simulation.
 */
class LinearPlatformExampleTest {
    private static final String P = "scaleplane.adapters.linear.";

    private FakeLinear simulation;

    @BeforeEach
    void start() {
        simulation = FakeLinear.launch();
    }

    @AfterEach
    void stop() {
        simulation.shutdown();
    }

    @Test
    void theReadmeExampleOpensCommentsOnAndClosesAnIssueThroughThePlatform() {
        Map<String, String> config =
                Map.of(P + "type", "linear", P + "base-url", simulation.baseUrl(), P + "auth.token", FakeLinear.KEY);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            IssueTrackerAdapter linear = platform.adapters().issues("linear");
            NewIssue failure = NewIssue.builder("ENG", "Nightly build broken")
                    .body("The nightly build failed on `main`.")
                    .labels("incident")
                    .build();
            Issue issue = linear.upsert("nightly-build", failure, "Failed again"); // opens ENG-1
            linear.upsert("nightly-build", failure, "Failed again"); // comments on ENG-1
            linear.transition(issue.id(), "In Progress");
            linear.close(issue.id()); // the team's first "completed" state, e.g. Done
            // README: end
            assertThat(linear.system()).isEqualTo("linear");
            assertThat(issue.id()).isEqualTo("ENG-1");
            assertThat(linear.find("ENG-1").orElseThrow().state()).isEqualTo(IssueState.CLOSED);
        }
        assertThat(simulation.comments("ENG-1")).containsExactly("Failed again");
        assertThat(simulation.stateOf("ENG-1")).isEqualTo("Done");
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "linear",
                P + "auth.type", "basic",
                P + "page-size", "1000");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "auth.type", P + "auth.token", P + "page-size"));
    }
}
