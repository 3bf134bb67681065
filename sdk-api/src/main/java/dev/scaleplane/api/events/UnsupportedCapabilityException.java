package dev.scaleplane.api.events;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.spi.Capabilities.Capability;
import java.util.Objects;

/**
 * An option needs a capability that the selected backend does not declare: a bus {@link Capability} or a
 * {@link TaskQueueCapability}. Thrown when the option is given (at {@code subscribe}, or when the platform is built),
 * never later, so nothing was set up with the option silently dropped.
 */
public final class UnsupportedCapabilityException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final Enum<?> capability;
    private final String option;

    /** Creates the exception for an event bus option; the message names the option, the capability and the backend. */
    public UnsupportedCapabilityException(Capability capability, String backend, String option) {
        this((Enum<?>) capability, backend, option);
    }

    /** Creates the exception for a task queue option; the message names the option, the capability and the backend. */
    public UnsupportedCapabilityException(TaskQueueCapability capability, String backend, String option) {
        this((Enum<?>) capability, backend, option);
    }

    private UnsupportedCapabilityException(Enum<?> capability, String backend, String option) {
        super(option + " needs capability " + Objects.requireNonNull(capability, "capability") + ", which backend '"
                + backend + "' does not provide; choose another option or a backend that declares it");
        this.capability = capability;
        this.option = option;
    }

    /** The missing capability: a {@link Capability} or a {@link TaskQueueCapability}. */
    public Enum<?> capability() {
        return capability;
    }

    /** The option that needs it, as the message names it (e.g. {@code rateLimits[deploy]}). */
    public String option() {
        return option;
    }
}
