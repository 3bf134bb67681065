package dev.scaleplane.adapters.http;

import dev.scaleplane.adapters.http.internal.BasicAuthenticator;
import dev.scaleplane.adapters.http.internal.BudgetAuthenticator;
import dev.scaleplane.adapters.http.internal.GitHubAppAuthenticator;
import dev.scaleplane.adapters.http.internal.HeaderAuthenticator;
import dev.scaleplane.adapters.http.internal.HeadersAuthenticator;
import dev.scaleplane.adapters.http.internal.JenkinsAuthenticator;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Puts a credential on outgoing requests. One instance may serve several clients and threads: whatever it caches (a
 * GitHub App installation token, a Jenkins crumb) is shared by all of them.
 *
 * <p>Implementations must be thread-safe and must never log, or put in an exception message, the credential. Their
 * {@code toString()} shows the kind of credential only.
 */
public interface Authenticator {

    /**
     * A stable identity of the credential, never the credential itself (e.g. {@code bearer:3f2a...}, a hash prefix).
     * The {@link RateLimitGovernor} keys budgets by it, so that every client and thread using one credential shares
     * one budget, as the server does.
     */
    String credentialKey();

    /**
     * Returns {@code request} with the credential added. Called on every attempt, on the calling thread.
     *
     * @param chain the rest of the chain below authentication, for calls the authenticator itself needs (a token
     *     exchange); these go through the redacting log and the transport only
     * @throws dev.scaleplane.api.adapters.AdapterException if a credential cannot be obtained (e.g. the token
     *     exchange failed)
     */
    AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain);

    /**
     * Called once per attempt when the server refused a request this authenticator signed (401, or 403): returns a
     * request to send once more (with a fresh token, or a CSRF crumb the server asked for), or {@code null} to let the
     * refusal stand. The default lets it stand.
     */
    default @Nullable AdapterRequest onRefused(AdapterRequest sent, AdapterResponse response, Interceptor.Chain chain) {
        return null;
    }

    /**
     * This authenticator under a named budget of its credential: the same headers, but a credential key of its own,
     * so that the {@link RateLimitGovernor} keeps a separate budget for a family of endpoints the server limits
     * apart (Datadog limits queries, events and submissions separately), while a spent budget of one family does not
     * hold back the others.
     *
     * @throws IllegalArgumentException if {@code budget} is blank
     */
    default Authenticator withBudget(String budget) {
        return new BudgetAuthenticator(this, budget);
    }

    /** No credential: requests go out as they are. Credential key {@code anonymous}. */
    static Authenticator none() {
        return HeaderAuthenticator.NONE;
    }

    /** {@code Authorization: Bearer <token>}: GitHub fine-grained and OAuth tokens, GitLab and Jira OAuth tokens. */
    static Authenticator bearer(Secret token) {
        return new HeaderAuthenticator("bearer", "Authorization", "Bearer ", token);
    }

    /** {@code <headerName>: <token>}, e.g. GitLab's {@code PRIVATE-TOKEN}. */
    static Authenticator header(String headerName, Secret token) {
        return new HeaderAuthenticator("header:" + headerName, headerName, "", token);
    }

    /**
     * Several fixed credential headers, in the map's order, e.g. Datadog's {@code DD-API-KEY} and {@code
     * DD-APPLICATION-KEY}. The credential key is the first header's secret's fingerprint.
     *
     * @throws IllegalArgumentException if {@code headers} is empty
     */
    static Authenticator headers(Map<String, Secret> headers) {
        return new HeadersAuthenticator(headers);
    }

    /** GitLab personal, project or group access token in {@code PRIVATE-TOKEN}. */
    static Authenticator gitlabToken(Secret token) {
        return header("PRIVATE-TOKEN", token);
    }

    /** Linear API key, sent as the whole {@code Authorization} value (Linear wants no {@code Bearer} prefix). */
    static Authenticator linearApiKey(Secret apiKey) {
        return new HeaderAuthenticator("linear-key", "Authorization", "", apiKey);
    }

    /** HTTP Basic with a user and a password or API token. */
    static Authenticator basic(String user, Secret password) {
        return new BasicAuthenticator(user, password);
    }

    /** Jira Cloud: Basic with the account's email and an API token. */
    static Authenticator jiraCloud(String email, Secret apiToken) {
        return basic(email, apiToken);
    }

    /**
     * Jenkins: Basic with a user and an API token, plus a CSRF crumb from {@code /crumbIssuer/api/json}, fetched only
     * when the server asks for one (a 403 naming a crumb; requests with an API token usually need none) and then
     * cached and sent on every non-GET request.
     */
    static Authenticator jenkins(String user, Secret apiToken) {
        return new JenkinsAuthenticator(new BasicAuthenticator(user, apiToken));
    }

    /**
     * A GitHub App installation on the system clock. See {@link #githubApp(String, String, Secret, Clock)}.
     *
     * @throws IllegalArgumentException if the key is not an RSA private key in PEM
     */
    static Authenticator githubApp(String appId, String installationId, Secret privateKeyPem) {
        return githubApp(appId, installationId, privateKeyPem, Clock.systemUTC());
    }

    /**
     * A GitHub App installation: a JWT (RS256, {@code iat} 60 s in the past, {@code exp} 9 minutes ahead, {@code iss}
     * the app id) signed with the app's private key is exchanged at {@code POST
     * /app/installations/{installationId}/access_tokens} for an installation token. The token is cached, shared by
     * every thread, and refreshed five minutes before its {@code expires_at}; one exchange serves any number of
     * concurrent callers.
     *
     * @param privateKeyPem the key GitHub issued: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or PKCS#8 ({@code BEGIN
     *     PRIVATE KEY})
     * @param clock for the JWT's times and the token's expiry
     * @throws IllegalArgumentException if the key is not an RSA private key in PEM
     */
    static Authenticator githubApp(String appId, String installationId, Secret privateKeyPem, Clock clock) {
        return new GitHubAppAuthenticator(
                Objects.requireNonNull(appId, "appId"),
                Objects.requireNonNull(installationId, "installationId"),
                privateKeyPem,
                clock);
    }
}
