package dev.scaleplane.api.federation;

import dev.scaleplane.api.ScaleplaneException;
import java.util.Objects;

/** No placement meets the policy; the message is the decision's explanation, every cluster with its reasons. */
public final class PlacementException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final transient PlacementDecision decision;

    /** Creates the exception for a decision that is not {@linkplain PlacementDecision#satisfied() satisfied}. */
    public PlacementException(String propagation, PlacementDecision decision) {
        super("propagation " + propagation + " cannot be placed: "
                + Objects.requireNonNull(decision, "decision").explain());
        this.decision = decision;
    }

    /** The failed decision. */
    public PlacementDecision decision() {
        return decision;
    }
}
