package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import java.time.Duration;
import java.util.List;

/** The no-flapping property of a series of decisions. */
final class Flapping {
    private Flapping() {}

    /**
     * A scale-down never follows a scale-up within the down window, nor a scale-up a scale-down within the up window.
     */
    static void assertNone(List<ScalingDecision> decisions, ScalingPolicy policy) {
        ScalingDecision lastUp = null;
        ScalingDecision lastDown = null;
        for (ScalingDecision d : decisions) {
            if (d.desiredWorkers() > d.currentWorkers()) {
                if (lastDown != null) {
                    assertThat(Duration.between(lastDown.at(), d.at()))
                            .as("scale-up at %s after the scale-down at %s", d.at(), lastDown.at())
                            .isGreaterThanOrEqualTo(policy.scaleUp().stabilizationWindow());
                }
                lastUp = d;
            } else if (d.desiredWorkers() < d.currentWorkers()) {
                if (lastUp != null) {
                    assertThat(Duration.between(lastUp.at(), d.at()))
                            .as("scale-down at %s after the scale-up at %s", d.at(), lastUp.at())
                            .isGreaterThanOrEqualTo(policy.scaleDown().stabilizationWindow());
                }
                lastDown = d;
            }
        }
    }
}
