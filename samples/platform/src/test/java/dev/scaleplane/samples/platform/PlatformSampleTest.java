package dev.scaleplane.samples.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the flagship scenario end to end (simulated fleet of fabric8 mock API servers, embedded bus, file store and
 * task queue), as the README's first command does, and checks its outcomes and report.
 */
class PlatformSampleTest {

    @Test
    void everyDeploymentEndsAsTheScenarioGuarantees() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PlatformSample.Outcome outcome;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            outcome = PlatformSample.run(out, false);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(outcome.failures()).as(printed).isEmpty();
        Map<String, DeploymentPhase> phases = new LinkedHashMap<>();
        for (DeploymentStatus s : outcome.deployments()) {
            phases.put(s.deploymentId(), s.phase());
        }
        assertThat(phases)
                .as(printed)
                .containsExactly(
                        Map.entry("checkout-1.0.0", DeploymentPhase.COMPLETED),
                        Map.entry("search-1.0.0", DeploymentPhase.COMPLETED),
                        Map.entry("payments-1.0.0", DeploymentPhase.COMPLETED),
                        Map.entry("profile-1.0.0", DeploymentPhase.COMPLETED),
                        Map.entry("checkout-1.1.0", DeploymentPhase.COMPLETED),
                        Map.entry("search-1.1.0", DeploymentPhase.COMPLETED),
                        Map.entry("search-1.2.0", DeploymentPhase.FAILED),
                        Map.entry("payments-1.1.0-fail", DeploymentPhase.FAILED),
                        Map.entry("payments-1.1.1", DeploymentPhase.REFUSED),
                        Map.entry("payments-1.1.1-emergency", DeploymentPhase.COMPLETED),
                        Map.entry("profile-1.1.0", DeploymentPhase.COMPLETED),
                        Map.entry("checkout-1.2.0", DeploymentPhase.COMPLETED));

        // Not a terminal: plain progress lines, no cursor movement.
        assertThat(printed)
                .doesNotContain("\033[")
                .containsPattern("search-1\\.2\\.0 +wave 1/3 +[01]/3 clusters ready +PROGRESSING")
                .containsPattern("search-1\\.2\\.0 +search +1\\.2\\.0 +FAILED")
                .contains("ams-1:rolled-back par-1:pending waw-1:pending")
                .contains("refused by the error-budget policy")
                .contains("flaggedBy=" + PlatformSample.ONCALL)
                .contains("cluster-replaced par-1 by ams-2")
                .contains("par-1:replaced")
                .contains("scaleplane.deployments.duration")
                .contains("p99")
                .contains("OK: every expectation met.");
    }
}
