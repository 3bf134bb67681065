package dev.scaleplane.core.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.slo.AdmissionDecision;
import dev.scaleplane.api.slo.AdmissionRequest;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.VirtualTaskClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's "SLOs and error budgets" example, kept here so that it compiles and runs. */
class SloReadmeExampleTest {

    @Test
    void theReadmeExampleDefinesEvaluatesAndAdmits() {
        VirtualTaskClock time = new VirtualTaskClock();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .clock(time.asClock())
                .taskClock(time)
                .build()) {
            // One failed deployment of checkout: with a 99.5% objective and no success yet, the budget is spent.
            Event<DeploymentFailed> failed = Event.builder(
                            DeploymentFailed.TYPE,
                            new DeploymentFailed("d-1", "checkout", "1.4.2", "ams-1", "analysis failed", false))
                    .source(URI.create("/deployer"))
                    .time(time.now().minus(Duration.ofMinutes(10)))
                    .build();
            platform.store()
                    .append("deployment-d-1", ExpectedVersion.NO_STREAM, List.of(failed))
                    .join();
            // README: begin
            Slos slos = platform.slos();
            slos.define(SloDefinition.builder("deploy-success")
                    .service("checkout")
                    .sli(Sli.deploymentSuccess()) // DeploymentCompleted vs DeploymentCompleted + DeploymentFailed
                    .objective(0.995)
                    .window(Duration.ofDays(28))
                    .build());
            SloStatus status = slos.evaluate().get(0); // also runs every scaleplane.slo-policy.evaluation-interval
            double left = status.budget().remaining(); // 1.0 untouched, <= 0 spent
            double burn1h = status.burnRate(Duration.ofHours(1)); // 1.0 spends the budget in exactly 28 days

            AdmissionDecision plain = slos.admit(AdmissionRequest.of("checkout", "d-2"));
            AdmissionDecision hotfix =
                    slos.admit(AdmissionRequest.flagged("checkout", "d-3", FreezeFlag.EMERGENCY, "alice", "INC-42"));
            // README: end
            assertThat(left).isCloseTo(-199, within(1e-9));
            assertThat(burn1h).isCloseTo(200, within(1e-9));
            assertThat(plain.admitted()).isFalse();
            assertThat(hotfix.admitted()).isTrue();
        }
    }
}
