package dev.scaleplane.api.tenants;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.federation.PlacementDecision;
import java.util.Objects;

/**
 * A tenant's placement selects no cluster (or cannot be met): nothing was provisioned. The message names the tenant,
 * the field ({@code placement}), the policy and every cluster with the reason it was rejected, and the fix.
 */
public final class TenantPlacementException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final transient PlacementDecision decision;

    /** Creates the exception for a decision that chose no cluster. */
    public TenantPlacementException(String tenant, PlacementDecision decision) {
        super("tenant " + tenant + ": placement "
                + Objects.requireNonNull(decision, "decision").policy()
                + " selects no cluster, so nothing was provisioned; relax the placement (residency, regions,"
                + " selector, cluster names) or register a cluster it allows. "
                + decision.explain());
        this.tenant = tenant;
        this.decision = decision;
    }

    /** The tenant. */
    public String tenant() {
        return tenant;
    }

    /** The field at fault: {@code placement}. */
    public String field() {
        return "placement";
    }

    /** The decision, every cluster with its reasons. */
    public PlacementDecision decision() {
        return decision;
    }
}
