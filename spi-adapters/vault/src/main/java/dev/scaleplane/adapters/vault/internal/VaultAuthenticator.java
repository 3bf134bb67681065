package dev.scaleplane.adapters.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault client tokens as the plumbing's {@link Authenticator}: every request carries {@code X-Vault-Token}, and the
 * token's lease is kept alive on the calling thread, the way {@code GitHubAppAuthenticator} keeps installation tokens.
 *
 * <ul>
 *   <li><b>Token auth</b> ({@link #token}): the given token. With renewal on, its first use looks it up ({@code GET
 *       /v1/auth/token/lookup-self}: {@code ttl}, {@code renewable}); a token with a TTL is renewed ({@code POST
 *       /v1/auth/token/renew-self}) once two thirds of its lease have passed. A token that cannot be renewed (not
 *       renewable, at its max TTL, or renewal failing) is used until it expires, with one warning: there is no other.
 *   <li><b>Kubernetes auth</b> ({@link #kubernetes}): {@code POST /v1/auth/<mount>/login} with {@code {"role",
 *       "jwt"}}, the JWT read from the service-account token file at every login (the kubelet rotates projected
 *       tokens). The client token is renewed with {@code renew-self} at two thirds of its lease; the adapter logs in
 *       again instead when the renewal fails, when the lease is not renewable, when a renewal came back shorter than
 *       the login's lease (the max TTL is near: renewing cannot extend it), when the lease has already ended, and once
 *       when Vault refuses the token as {@code invalid token} (revoked early).
 * </ul>
 *
 * Two thirds is the point Vault's own {@code LifetimeWatcher} renews at. Renewal happens on the first request after
 * that point, so an instance idle past a whole lease logs in again (Kubernetes auth) or finds its token expired
 * (token auth) instead of renewing. Times come from the injected {@link Clock}.
 *
 * <p>Thread-safe: the lease is one volatile value; logins and renewals are serialized on a lock and re-checked inside
 * it, so many threads finding it due cause one call. Never logs or puts in a message the token or the JWT.
 */
public final class VaultAuthenticator implements Authenticator {
    /** The header Vault reads the client token from. */
    public static final String TOKEN_HEADER = "X-Vault-Token";

    /** After a lookup-self that got no answer (Vault unreachable), look again this much later. */
    static final Duration LOOKUP_RETRY = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.vault");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A client token and its lease as Vault last described it.
     *
     * @param token the client token
     * @param obtainedAt when the lease below was granted (login, renewal or lookup)
     * @param duration the lease from then; zero for a token that does not expire
     * @param fullDuration the longest lease seen (at login, lookup or renewal): a renewal shorter than it has hit the
     *     max TTL
     * @param renewable whether Vault allows renewing
     * @param renewAt when to renew (or log in again), or null for never
     * @param known false while a token's lease could not be looked up yet
     */
    record Lease(
            Secret token,
            Instant obtainedAt,
            Duration duration,
            Duration fullDuration,
            boolean renewable,
            @Nullable Instant renewAt,
            boolean known) {

        @Nullable
        Instant expiresAt() {
            return duration.isZero() ? null : obtainedAt.plus(duration);
        }

        /** Whether renewing would extend the lease: renewable, and the last renewal was not capped. */
        boolean extendable() {
            return renewable && duration.compareTo(fullDuration) >= 0;
        }

        Lease withRenewAt(@Nullable Instant at) {
            return new Lease(token, obtainedAt, duration, fullDuration, renewable, at, known);
        }

        @Override
        public String toString() {
            return "Lease[****, " + duration.toSeconds() + "s from " + obtainedAt + ", renewable=" + renewable + "]";
        }
    }

    private final @Nullable Secret staticToken;
    private final @Nullable String kubernetesMount;
    private final @Nullable String role;
    private final @Nullable Path jwtFile;
    private final URI apiBase;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile @Nullable Lease lease;

    private VaultAuthenticator(
            @Nullable Secret staticToken,
            boolean renew,
            @Nullable String kubernetesMount,
            @Nullable String role,
            @Nullable Path jwtFile,
            URI apiBase,
            Clock clock) {
        this.staticToken = staticToken;
        this.kubernetesMount = kubernetesMount;
        this.role = role;
        this.jwtFile = jwtFile;
        this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (staticToken != null && !renew) {
            lease = new Lease(staticToken, Instant.EPOCH, Duration.ZERO, Duration.ZERO, false, null, true);
        }
    }

    /**
     * Token auth with {@code token}.
     *
     * @param renew whether to look the token up and renew its lease; without it no call but the adapter's is made
     */
    public static VaultAuthenticator token(Secret token, boolean renew, URI apiBase, Clock clock) {
        return new VaultAuthenticator(Objects.requireNonNull(token, "token"), renew, null, null, null, apiBase, clock);
    }

    /** Kubernetes auth: role {@code role} of the auth method at {@code mount}, with the JWT in {@code jwtFile}. */
    public static VaultAuthenticator kubernetes(String mount, String role, Path jwtFile, URI apiBase, Clock clock) {
        return new VaultAuthenticator(
                null,
                true,
                Objects.requireNonNull(mount, "mount"),
                Objects.requireNonNull(role, "role"),
                Objects.requireNonNull(jwtFile, "jwtFile"),
                apiBase,
                clock);
    }

    private boolean kubernetes() {
        return staticToken == null;
    }

    @Override
    public String credentialKey() {
        return kubernetes()
                ? "vault-kubernetes:" + kubernetesMount + ":" + role
                : "vault-token:" + Objects.requireNonNull(staticToken).fingerprint();
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        Lease current = current(chain, null);
        return request.newBuilder()
                .setHeader(TOKEN_HEADER, current.token().reveal())
                .build();
    }

    /**
     * Kubernetes auth only: a 403 saying {@code invalid token} means the token was revoked or expired early, so log in
     * once more (unless another thread already did) and send again. A plain {@code permission denied} is a policy
     * matter that a new token of the same role cannot fix: it stands.
     */
    @Override
    public @Nullable AdapterRequest onRefused(AdapterRequest sent, AdapterResponse response, Interceptor.Chain chain) {
        if (!kubernetes() || !VaultErrors.invalidToken(response)) {
            return null;
        }
        Lease stale = lease;
        String sentToken = sent.header(TOKEN_HEADER).orElse("");
        boolean replacedMeanwhile = stale != null && !stale.token().reveal().equals(sentToken);
        Lease fresh = current(chain, replacedMeanwhile ? null : stale);
        return sent.newBuilder().setHeader(TOKEN_HEADER, fresh.token().reveal()).build();
    }

    /** The lease to sign with: the cached one while it is not due, else one renewed, looked up or logged in. */
    private Lease current(Interceptor.Chain chain, @Nullable Lease invalid) {
        Lease l = lease;
        if (usable(l, invalid)) {
            return l;
        }
        synchronized (lock) {
            l = lease;
            if (usable(l, invalid)) {
                return l;
            }
            l = kubernetes() ? refreshKubernetes(chain, l, invalid) : refreshToken(chain, l);
            lease = l;
            return l;
        }
    }

    private boolean usable(@Nullable Lease l, @Nullable Lease invalid) {
        if (l == null || l == invalid) {
            return false;
        }
        Instant due = l.renewAt();
        return due == null || clock.instant().isBefore(due);
    }

    private Lease refreshKubernetes(Interceptor.Chain chain, @Nullable Lease stale, @Nullable Lease invalid) {
        if (stale == null) {
            return login(chain, "first use");
        }
        if (stale == invalid) {
            return login(chain, "Vault refused the token as invalid");
        }
        Instant now = clock.instant();
        Instant expiresAt = stale.expiresAt();
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return login(chain, "its lease ended at " + expiresAt);
        }
        if (!stale.renewable()) {
            return login(chain, "the token is not renewable");
        }
        if (!stale.extendable()) {
            return login(chain, "the token is near its max TTL");
        }
        try {
            return renew(chain, stale);
        } catch (AdapterException e) {
            LOG.warn(
                    "{} ({}) renewing the Vault token failed ({}); logging in again",
                    chain.system(),
                    chain.instance(),
                    e.getMessage());
            return login(chain, "renewal failed");
        }
    }

    private Lease refreshToken(Interceptor.Chain chain, @Nullable Lease stale) {
        Secret token = Objects.requireNonNull(staticToken);
        if (stale == null || !stale.known()) {
            return lookup(chain, token);
        }
        Instant now = clock.instant();
        Instant expiresAt = stale.expiresAt();
        boolean alive = expiresAt == null || now.isBefore(expiresAt);
        if (alive && stale.extendable()) {
            try {
                return renew(chain, stale);
            } catch (AdapterException e) {
                // No other credential to turn to: keep the token, try again within what is left of its lease.
                Instant retry = expiresAt == null
                        ? now.plus(LOOKUP_RETRY)
                        : now.plus(Duration.between(now, expiresAt).dividedBy(3));
                LOG.warn(
                        "{} ({}) renewing the Vault token failed ({}); trying again at {}",
                        chain.system(),
                        chain.instance(),
                        e.getMessage(),
                        retry);
                return stale.withRenewAt(retry);
            }
        }
        LOG.warn(
                "{} ({}) the Vault token cannot be renewed further ({}); it is used until it expires{}. Kubernetes"
                        + " auth (auth.type kubernetes) or a periodic token avoids this",
                chain.system(),
                chain.instance(),
                !stale.renewable() ? "not renewable" : alive ? "at its max TTL" : "its lease has ended",
                expiresAt != null ? " at " + expiresAt : "");
        return stale.withRenewAt(null);
    }

    /** {@code GET /v1/auth/token/lookup-self}: the token's remaining {@code ttl} and whether it is renewable. */
    private Lease lookup(Interceptor.Chain chain, Secret token) {
        Instant now = clock.instant();
        AdapterRequest request = VaultPaths.fixed("GET", apiBase, "/auth/token/lookup-self")
                .header(TOKEN_HEADER, token.reveal())
                .build();
        AdapterResponse response;
        try {
            response = chain.proceed(request);
        } catch (AdapterException e) {
            LOG.warn(
                    "{} ({}) looking up the Vault token failed ({}); trying again in {}",
                    chain.system(),
                    chain.instance(),
                    e.getMessage(),
                    LOOKUP_RETRY);
            return new Lease(token, now, Duration.ZERO, Duration.ZERO, false, now.plus(LOOKUP_RETRY), false);
        }
        if (!response.successful()) {
            boolean refused = response.status() == 403;
            LOG.warn(
                    "{} ({}) looking up the Vault token answered HTTP {} ({}); {}",
                    chain.system(),
                    chain.instance(),
                    response.status(),
                    VaultErrors.message(response),
                    refused
                            ? "its lease is not watched (the token may be invalid, or lack the default policy)"
                            : "trying again in " + LOOKUP_RETRY);
            return refused
                    ? new Lease(token, now, Duration.ZERO, Duration.ZERO, false, null, true)
                    : new Lease(token, now, Duration.ZERO, Duration.ZERO, false, now.plus(LOOKUP_RETRY), false);
        }
        JsonNode data = response.json().path("data");
        Duration ttl = Duration.ofSeconds(Math.max(0, data.path("ttl").asLong(0)));
        boolean renewable = data.path("renewable").asBoolean(false);
        LOG.debug(
                "{} ({}) Vault token: ttl {}s, renewable {}",
                chain.system(),
                chain.instance(),
                ttl.toSeconds(),
                renewable);
        return new Lease(token, now, ttl, ttl, renewable, renewAt(now, ttl), true);
    }

    /**
     * {@code POST /v1/auth/token/renew-self} with body {@code {}} (Vault renews by the token's own TTL): the new
     * {@code auth.lease_duration} and {@code auth.renewable}.
     *
     * @throws AdapterException when Vault refuses or cannot be reached
     */
    private Lease renew(Interceptor.Chain chain, Lease stale) {
        Instant now = clock.instant();
        AdapterRequest request = VaultPaths.fixed("POST", apiBase, "/auth/token/renew-self")
                .header(TOKEN_HEADER, stale.token().reveal())
                .json(JSON.createObjectNode())
                .build();
        AdapterResponse response = chain.proceed(request);
        if (!response.successful()) {
            throw failure(chain, response, "renewing the token");
        }
        JsonNode auth = response.json().path("auth");
        Duration duration =
                Duration.ofSeconds(Math.max(0, auth.path("lease_duration").asLong(0)));
        boolean renewable = auth.path("renewable").asBoolean(false);
        // The longest lease seen is the token's full one: a renewal shorter than it was capped by the max TTL.
        Duration full = duration.compareTo(stale.fullDuration()) > 0 ? duration : stale.fullDuration();
        Lease renewed = new Lease(stale.token(), now, duration, full, renewable, renewAt(now, duration), true);
        LOG.debug(
                "{} ({}) Vault token renewed: lease {}s, renewable {}",
                chain.system(),
                chain.instance(),
                duration.toSeconds(),
                renewable);
        return renewed;
    }

    /** {@code POST /v1/auth/<mount>/login} with {@code {"role", "jwt"}}: {@code auth.client_token} and its lease. */
    private Lease login(Interceptor.Chain chain, String why) {
        Instant now = clock.instant();
        Path file = Objects.requireNonNull(jwtFile);
        AdapterRequest.Builder builder =
                VaultPaths.auth("POST", apiBase, Objects.requireNonNull(kubernetesMount), "login");
        String jwt;
        try {
            jwt = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new AdapterAuthenticationException(
                    facts(
                            chain,
                            builder.build(),
                            0,
                            "cannot read the service-account token file " + file + " (auth.kubernetes.jwt-file): "
                                    + e.getClass().getSimpleName()),
                    null);
        }
        if (jwt.isEmpty()) {
            throw new AdapterAuthenticationException(
                    facts(chain, builder.build(), 0, "the service-account token file " + file + " is empty"), null);
        }
        ObjectNode body = JSON.createObjectNode().put("role", role).put("jwt", jwt);
        AdapterResponse response = chain.proceed(builder.json(body).build());
        if (!response.successful()) {
            throw failure(chain, response, "the Kubernetes login with role " + role);
        }
        JsonNode auth;
        try {
            auth = response.json().path("auth");
        } catch (RuntimeException e) {
            auth = JSON.createObjectNode();
        }
        String token = auth.path("client_token").asText("");
        if (token.isBlank()) {
            throw new AdapterAuthenticationException(
                    facts(chain, response.request(), response.status(), "Vault answered the login without a token"),
                    null);
        }
        Duration duration =
                Duration.ofSeconds(Math.max(0, auth.path("lease_duration").asLong(0)));
        boolean renewable = auth.path("renewable").asBoolean(false);
        LOG.info(
                "{} ({}) logged in to Vault with Kubernetes auth (role {} at auth/{}) because {}: lease {}s, renewable"
                        + " {}",
                chain.system(),
                chain.instance(),
                role,
                kubernetesMount,
                why,
                duration.toSeconds(),
                renewable);
        return new Lease(Secret.of(token), now, duration, duration, renewable, renewAt(now, duration), true);
    }

    /** Two thirds into the lease; null for a lease that does not end. */
    static @Nullable Instant renewAt(Instant from, Duration lease) {
        return lease.isZero() ? null : from.plus(lease.multipliedBy(2).dividedBy(3));
    }

    /**
     * A refused login or renewal: unavailable when Vault failed (5xx) or throttled (429), else an authentication
     * failure whatever the status (Vault answers a bad role or JWT with 400 or 403).
     */
    private static AdapterException failure(Interceptor.Chain chain, AdapterResponse response, String what) {
        String message = VaultErrors.message(response);
        AdapterCallFacts facts = facts(
                chain,
                response.request(),
                response.status(),
                what + " failed" + (message != null ? ": " + message : ""));
        int status = response.status();
        return status >= 500 || status == 429
                ? new AdapterUnavailableException(facts, false, null)
                : new AdapterAuthenticationException(facts, null);
    }

    private static AdapterCallFacts facts(
            Interceptor.Chain chain, AdapterRequest request, int status, @Nullable String message) {
        String p = request.path();
        String path = p.startsWith("http://") || p.startsWith("https://")
                ? URI.create(p).getRawPath()
                : p;
        return new AdapterCallFacts(chain.system(), chain.instance(), request.method(), path, status, null, message);
    }

    @Override
    public String toString() {
        return kubernetes()
                ? "Authenticator[vault-kubernetes, role=" + role + ", mount=" + kubernetesMount + ", ****]"
                : "Authenticator[vault-token, ****]";
    }
}
