package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** HTTP Basic (RFC 7617) with a user and a password or API token. Thread-safe. */
public final class BasicAuthenticator implements Authenticator {
    private final String user;
    private final Secret password;
    private final Secret headerValue;

    public BasicAuthenticator(String user, Secret password) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = Objects.requireNonNull(password, "password");
        this.headerValue = Secret.of("Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String credentialKey() {
        return "basic:" + user + ":" + password.fingerprint();
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        return request.newBuilder()
                .setHeader("Authorization", headerValue.reveal())
                .build();
    }

    /** The user name is not secret; the password is never shown. */
    @Override
    public String toString() {
        return "Authenticator[basic, user=" + user + ", ****]";
    }
}
