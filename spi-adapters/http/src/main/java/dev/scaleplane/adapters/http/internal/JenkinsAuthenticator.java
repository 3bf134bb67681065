package dev.scaleplane.adapters.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Basic plus Jenkins' CSRF crumb. Requests signed with an API token need no crumb on current Jenkins, so none is
 * fetched until a 403 names one; from then on the cached crumb goes on every request that changes state, with the
 * session cookie it was issued under (Jenkins 2.176.2 and later bind a crumb to its web session).
 * Thread-safe: the crumb is one volatile value; two threads meeting a 403 at once may both fetch, which is harmless.
 */
public final class JenkinsAuthenticator implements Authenticator {
    static final String CRUMB_PATH = "/crumbIssuer/api/json";

    /** A crumb and the session cookies of the response that issued it, which Jenkins binds it to. */
    private record Crumb(String field, String value, @Nullable String cookie) {}

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
        AdapterRequest.Builder b = signed.newBuilder().setHeader(c.field(), c.value());
        if (c.cookie() != null) {
            b.setHeader("Cookie", c.cookie());
        }
        return b.build();
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
        crumb = new Crumb(field, value, sessionCookie(answer));
        AdapterRequest.Builder retry = sent.newBuilder();
        return authenticate(retry.build(), chain);
    }

    /**
     * Since Jenkins 2.176.2 a crumb is valid only with the web session of the request that fetched it: the {@code
     * name=value} of every {@code Set-Cookie} of the crumb's answer, as one {@code Cookie} header, or null for none.
     */
    private static @Nullable String sessionCookie(AdapterResponse answer) {
        List<String> cookies = new ArrayList<>();
        answer.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Set-Cookie")) {
                for (String v : values) {
                    int semi = v.indexOf(';');
                    String pair = (semi >= 0 ? v.substring(0, semi) : v).trim();
                    if (pair.contains("=")) {
                        cookies.add(pair);
                    }
                }
            }
        });
        return cookies.isEmpty() ? null : String.join("; ", cookies);
    }

    @Override
    public String toString() {
        return "Authenticator[jenkins, " + basic + "]";
    }
}
