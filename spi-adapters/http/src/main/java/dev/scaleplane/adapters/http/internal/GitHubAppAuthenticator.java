package dev.scaleplane.adapters.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * GitHub App installation tokens: JWT, exchange, cache, refresh before expiry. Thread-safe: the token is one volatile
 * value; refreshes are serialized on a lock and re-checked inside it, so many threads finding it stale cause one
 * exchange.
 */
public final class GitHubAppAuthenticator implements Authenticator {
    /** Refresh this long before {@code expires_at}: a call signed just before expiry may still be in flight. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    /** GitHub allows at most 10 minutes; 9 leaves room for clock drift, as does iat 60 s in the past. */
    static final Duration JWT_LIFETIME = Duration.ofMinutes(9);

    static final Duration JWT_BACKDATE = Duration.ofSeconds(60);

    private record Token(Secret value, Instant expiresAt) {}

    private final String appId;
    private final String installationId;
    private final PrivateKey key;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile @Nullable Token token;

    public GitHubAppAuthenticator(String appId, String installationId, Secret privateKeyPem, Clock clock) {
        this.appId = appId;
        this.installationId = installationId;
        this.key = Rs256.privateKey(
                Objects.requireNonNull(privateKeyPem, "privateKeyPem").reveal());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String credentialKey() {
        return "github-app:" + appId + ":" + installationId;
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        Secret current = current(chain, null);
        return request.newBuilder()
                .setHeader("Authorization", "Bearer " + current.reveal())
                .build();
    }

    @Override
    public @Nullable AdapterRequest onRefused(AdapterRequest sent, AdapterResponse response, Interceptor.Chain chain) {
        if (response.status() != 401) {
            return null;
        }
        // The token may have been revoked or expired early: exchange once more, unless another thread already did.
        Token stale = token;
        Secret fresh = current(chain, stale);
        return sent.newBuilder()
                .setHeader("Authorization", "Bearer " + fresh.reveal())
                .build();
    }

    /** A JWT for the app, valid now: header {alg RS256, typ JWT}, claims iat, exp, iss. */
    public String jwt() {
        long now = clock.instant().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iat\":" + (now - JWT_BACKDATE.toSeconds()) + ",\"exp\":" + (now + JWT_LIFETIME.toSeconds())
                + ",\"iss\":" + Json.MAPPER.valueToTree(appId) + "}";
        return Rs256.sign(header, payload, key);
    }

    /** The cached token, exchanged for a new one when absent, due for refresh, or equal to {@code invalid}. */
    private Secret current(Interceptor.Chain chain, @Nullable Token invalid) {
        Token t = token;
        if (usable(t, invalid)) {
            return t.value();
        }
        synchronized (lock) {
            t = token;
            if (usable(t, invalid)) {
                return t.value();
            }
            t = exchange(chain);
            token = t;
            return t.value();
        }
    }

    private boolean usable(@Nullable Token t, @Nullable Token invalid) {
        return t != null
                && t != invalid
                && clock.instant().isBefore(t.expiresAt().minus(REFRESH_BEFORE));
    }

    private Token exchange(Interceptor.Chain chain) {
        AdapterRequest request = AdapterRequest.builder(
                        "POST", "/app/installations/{installation_id}/access_tokens", installationId)
                .header("Authorization", "Bearer " + jwt())
                .header("Accept", "application/vnd.github+json")
                .build();
        AdapterResponse response = chain.proceed(request);
        if (!response.successful()) {
            throw ErrorMapping.toException(chain.system(), chain.instance(), response);
        }
        JsonNode body = response.json();
        String value = body.path("token").asText("");
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(body.path("expires_at").asText(""));
        } catch (DateTimeParseException e) {
            // GitHub documents one hour; assume it rather than fail a call that has a token.
            expiresAt = clock.instant().plus(Duration.ofHours(1));
        }
        if (value.isEmpty()) {
            throw new IllegalStateException(
                    "GitHub answered the installation token exchange of app " + appId + " without a token");
        }
        return new Token(Secret.of(value), expiresAt);
    }

    @Override
    public String toString() {
        return "Authenticator[github-app, app=" + appId + ", installation=" + installationId + ", ****]";
    }
}
