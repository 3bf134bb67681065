package dev.scaleplane.api.adapters;

import org.jspecify.annotations.Nullable;

/**
 * The system has no such resource (404 or 410), or hides it from this credential (GitHub answers 404 for private
 * repositories it does not show). Never retried.
 */
public class AdapterNotFoundException extends AdapterException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message ends with what the user can do about it. */
    public AdapterNotFoundException(AdapterCallFacts facts, @Nullable Throwable cause) {
        super(facts, "check the owner, project or id, and that the credential can see it", cause);
    }
}
