package dev.scaleplane.docs;

import dev.scaleplane.api.slo.AdmissionDecision;
import dev.scaleplane.api.slo.AdmissionRequest;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.core.ScaleplanePlatform;
import java.time.Duration;

/** The README's SLO example: define an SLO, evaluate it, ask whether deployments are admitted. */
public final class SloExample {

    private SloExample() {}

    // tag::readme[]
    /** What the example computed. */
    public record Figures(double left, double burn1h, AdmissionDecision plain, AdmissionDecision hotfix) {}

    public static Figures checkoutBudget(ScaleplanePlatform platform) {
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
        return new Figures(left, burn1h, plain, hotfix);
    }
    // end::readme[]
}
