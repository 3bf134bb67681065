package dev.scaleplane.adapters.aws.internal;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The credentials of an instance could not be resolved (no profile, an unreadable token file, STS refusing the web
 * identity, nothing in the default chain). Thrown by {@link GuardedCredentials} so that {@link AwsCalls} can tell this
 * failure, whatever the SDK wraps it in, from an I/O error, and report it as an authentication failure. An {@link
 * SdkClientException}, as the SDK's own credential failures are, so the SDK treats it as it treats them.
 */
final class CredentialsUnavailableException extends SdkClientException {
    private static final long serialVersionUID = 1L;

    CredentialsUnavailableException(String message) {
        super(SdkClientException.builder().message(message));
    }
}
