package dev.scaleplane.adapters.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Basic plus Jenkins' CSRF crumb. Requests signed with an API token need no crumb on current Jenkins, so none is
 * fetched until a 403 names one; from then on the cached crumb goes on every request that changes state.
 * Thread-safe: the crumb is one volatile value; two threads meeting a 403 at once may both fetch, which is harmless.
 */
public final class JenkinsAuthenticator implements Authenticator {
    static final String CRUMB_PATH = "/crumbIssuer/api/json";

    private record Crumb(String field, String value) {}

    private final BasicAuthenticator basic;
    private volatile @Nullable Crumb crumb;

    public JenkinsAuthenticator(BasicAuthenticator basic) {
        this.basic = basic;
    }

    @Override
    public String credentialKey() {
        return basic.credentialKey();
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        AdapterRequest signed = basic.authenticate(request, chain);
        Crumb c = crumb;
        if (c == null || request.idempotent()) {
            return signed;
        }
        return signed.newBuilder().setHeader(c.field(), c.value()).build();
    }

    @Override
    public @Nullable AdapterRequest onRefused(AdapterRequest sent, AdapterResponse response, Interceptor.Chain chain) {
        if (response.status() != 403
                || !response.bodyAsString().toLowerCase(Locale.ROOT).contains("crumb")) {
            return null;
        }
        AdapterResponse answer = chain.proceed(basic.authenticate(AdapterRequest.get(CRUMB_PATH), chain));
        if (!answer.successful()) {
            throw ErrorMapping.toException(chain.system(), chain.instance(), answer);
        }
        JsonNode body = answer.json();
        String field = body.path("crumbRequestField").asText("Jenkins-Crumb");
        String value = body.path("crumb").asText("");
        if (value.isEmpty()) {
            return null;
        }
        crumb = new Crumb(field, value);
        AdapterRequest.Builder retry = sent.newBuilder();
        return authenticate(retry.build(), chain);
    }

    @Override
    public String toString() {
        return "Authenticator[jenkins, " + basic + "]";
    }
}
