package dev.scaleplane.api.adapters;

import org.jspecify.annotations.Nullable;

/**
 * The system refused the credential (401) or the credential lacks a permission (403). Never retried: repeating
 * the call cannot help until the credential or its permissions change.
 */
public class AdapterAuthenticationException extends AdapterException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message ends with what the user can do about it. */
    public AdapterAuthenticationException(AdapterCallFacts facts, @Nullable Throwable cause) {
        super(facts, "check the credential and its scopes or permissions for this instance", cause);
    }
}
