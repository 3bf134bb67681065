package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fixed credentials in several headers (Datadog's API and application keys). The credential key is the first
 * header's secret's fingerprint: the server counts a budget per account key. Thread-safe.
 */
public final class HeadersAuthenticator implements Authenticator {
    private final Map<String, Secret> headers;
    private final String credentialKey;

    public HeadersAuthenticator(Map<String, Secret> headers) {
        if (headers.isEmpty()) {
            throw new IllegalArgumentException("at least one credential header is needed");
        }
        this.headers = new LinkedHashMap<>();
        headers.forEach((name, secret) ->
                this.headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(secret, name)));
        Map.Entry<String, Secret> first = this.headers.entrySet().iterator().next();
        this.credentialKey = "headers:" + String.join(",", this.headers.keySet()) + ":"
                + first.getValue().fingerprint();
    }

    @Override
    public String credentialKey() {
        return credentialKey;
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        AdapterRequest.Builder b = request.newBuilder();
        headers.forEach((name, secret) -> b.setHeader(name, secret.reveal()));
        return b.build();
    }

    @Override
    public String toString() {
        return "Authenticator[headers " + headers.keySet() + ", ****]";
    }
}
