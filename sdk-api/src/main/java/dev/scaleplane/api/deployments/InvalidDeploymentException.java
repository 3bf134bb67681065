package dev.scaleplane.api.deployments;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * A deployment request, application definition or rollout strategy with a field that is not valid. The message names
 * the field, the value and what would be valid; nothing was recorded or published.
 */
public final class InvalidDeploymentException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final @Nullable String value;

    /**
     * Creates the exception.
     *
     * @param field the field at fault, e.g. {@code application} or {@code rollout.maxUnavailable}
     * @param value the value given
     * @param fix what would be valid
     */
    public InvalidDeploymentException(String field, @Nullable Object value, String fix) {
        super("deployment " + field + " '" + value + "' is invalid: " + fix);
        this.field = field;
        this.value = value == null ? null : String.valueOf(value);
    }

    /** The field at fault. */
    public String field() {
        return field;
    }

    /** The value given, as text. */
    public @Nullable String value() {
        return value;
    }
}
