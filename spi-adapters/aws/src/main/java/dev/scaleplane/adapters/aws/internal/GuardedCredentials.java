package dev.scaleplane.adapters.aws.internal;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK's credentials provider of an instance, with its failures marked as {@link CredentialsUnavailableException}
 * (naming the source and the SDK's reason, which names profiles, files and roles, never a key) so they map to an
 * authentication failure. Closes the provider it wraps (STS refreshers hold a client and a thread).
 */
final class GuardedCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
    private final AwsCredentialsProvider delegate;
    private final String source;

    GuardedCredentials(AwsCredentialsProvider delegate, String source) {
        this.delegate = delegate;
        this.source = source;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            return delegate.resolveCredentials();
        } catch (RuntimeException e) {
            throw new CredentialsUnavailableException("credentials unavailable (auth.type " + source + "): "
                    + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
    }

    @Override
    public void close() {
        if (delegate instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing a credentials refresher cannot fail in a way the caller could act on.
            }
        }
    }

    @Override
    public String toString() {
        return "GuardedCredentials[" + source + "]";
    }
}
