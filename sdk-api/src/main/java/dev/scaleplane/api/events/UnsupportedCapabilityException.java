package dev.scaleplane.api.events;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.spi.Capabilities.Capability;

/** An option needs a capability that the selected backend does not declare. */
public final class UnsupportedCapabilityException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final Capability capability;

    /** Creates the exception; the message names the option, the capability and the backend. */
    public UnsupportedCapabilityException(Capability capability, String backend, String option) {
        super(option + " needs capability " + capability + ", which backend '" + backend
                + "' does not provide; choose another option or a backend that declares it");
        this.capability = capability;
    }

    /** The missing capability. */
    public Capability capability() {
        return capability;
    }
}
