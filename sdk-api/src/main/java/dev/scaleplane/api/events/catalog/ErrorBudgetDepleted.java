package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;

/**
 * A service used up the error budget of an SLO over {@code window}; {@code budgetRemaining} is zero or negative (overspent), as a ratio of the budget.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record ErrorBudgetDepleted(String service, String slo, double budgetRemaining, Duration window) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.errorbudget.depleted.v1";

    /** The registered type. */
    public static final EventType<ErrorBudgetDepleted> TYPE = EventType.of(TYPE_NAME, ErrorBudgetDepleted.class);

    /** Validates required fields and copies collections. */
    public ErrorBudgetDepleted {
        Checks.require(service, "service");
        Checks.require(slo, "slo");
        if (budgetRemaining > 0 || Double.isNaN(budgetRemaining)) {
            throw new IllegalArgumentException(
                    "budgetRemaining must be <= 0 for a depleted budget, but was " + budgetRemaining);
        }
        Checks.requireNonNegative(window, "window");
    }
}
