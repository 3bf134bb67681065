package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A fixed credential in one header, optionally after a prefix ({@code Bearer }). Thread-safe. */
public final class HeaderAuthenticator implements Authenticator {
    /** No credential at all. */
    public static final Authenticator NONE = new HeaderAuthenticator("anonymous", "", "", null);

    private final String kind;
    private final String headerName;
    private final String prefix;
    private final @Nullable Secret token;

    public HeaderAuthenticator(String kind, String headerName, String prefix, @Nullable Secret token) {
        this.kind = kind;
        this.headerName = headerName;
        this.prefix = prefix;
        this.token = token;
        if (token != null) {
            Objects.requireNonNull(headerName, "headerName");
        }
    }

    @Override
    public String credentialKey() {
        return token == null ? kind : kind + ":" + token.fingerprint();
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        if (token == null) {
            return request;
        }
        return request.newBuilder()
                .setHeader(headerName, prefix + token.reveal())
                .build();
    }

    @Override
    public String toString() {
        return "Authenticator[" + kind + ", ****]";
    }
}
