package dev.scaleplane.api.tenants;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * A tenant request is invalid: a name that is not a DNS label, a quantity that does not parse, an owner that is not a
 * label value, a tenant that exists already (or does not exist). The message names the field, the value and the fix;
 * nothing is changed on any cluster.
 */
public final class InvalidTenantException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final @Nullable String value;

    /**
     * Creates the exception.
     *
     * @param field the field at fault, e.g. {@code name} or {@code quota.requestsMemory}
     * @param value the value given
     * @param fix what would be valid, e.g. "a Kubernetes quantity such as 8Gi or 500m"
     */
    public InvalidTenantException(String field, @Nullable String value, String fix) {
        super("tenant " + field + " '" + value + "' is invalid: " + fix);
        this.field = field;
        this.value = value;
    }

    /** The field at fault. */
    public String field() {
        return field;
    }

    /** The value given. */
    public @Nullable String value() {
        return value;
    }
}
