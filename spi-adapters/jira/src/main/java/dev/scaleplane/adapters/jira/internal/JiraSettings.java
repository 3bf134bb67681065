package dev.scaleplane.adapters.jira.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one Jira Cloud instance: the plumbing's {@link AdapterSettings} (base URL, timeouts, attempts, the
 * credential) plus Jira's own keys. See {@code dev.scaleplane.adapters.jira} for the table of keys.
 *
 * @param http the common settings
 * @param issueType the issue type {@code create} opens, by name
 * @param pageSize {@code maxResults} of every search page
 * @param browseUrl the site people open issues on, {@code <browse-url>/browse/<key>}
 */
public record JiraSettings(AdapterSettings http, String issueType, int pageSize, URI browseUrl) {

    /** The issue type opened unless {@code issue-type} says otherwise. */
    public static final String DEFAULT_ISSUE_TYPE = "Task";

    /** {@code maxResults} unless {@code page-size} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 50;

    /** The host of Atlassian's API gateway, which OAuth 2.0 (3LO) apps call instead of the site. */
    static final String OAUTH_GATEWAY_HOST = "api.atlassian.com";

    /** Validates. */
    public JiraSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(issueType, "issueType");
        Objects.requireNonNull(browseUrl, "browseUrl");
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem at once, secret values redacted
     */
    public static JiraSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        String type = reader.optional(p + "auth.type")
                .map(String::trim)
                .orElseGet(() -> reader.optional(p + "auth.username").isEmpty()
                                && reader.optional(p + "auth.token").isPresent()
                        ? "bearer"
                        : "jira-cloud");
        boolean knownType = reader.check(
                List.of("jira-cloud", "bearer").contains(type),
                p + "auth.type",
                type,
                "jira-cloud (the account's email in auth.username and an API token in auth.token) or bearer (an"
                        + " OAuth 2.0 access token in auth.token)");
        String issueType = reader.string(p + "issue-type", DEFAULT_ISSUE_TYPE).strip();
        reader.check(!issueType.isEmpty(), p + "issue-type", issueType, "the name of an issue type, e.g. Task or Bug");
        int pageSize = reader.integer(p + "page-size", DEFAULT_PAGE_SIZE, 1, 100);
        Optional<String> rawBrowse = reader.optional(p + "browse-url");
        URI browse = reader.uri(p + "browse-url", URI.create("https://invalid.example"));
        if (rawBrowse.isPresent()) {
            reader.check(
                    browse.isAbsolute() && ("https".equals(browse.getScheme()) || "http".equals(browse.getScheme())),
                    p + "browse-url",
                    rawBrowse.get(),
                    "the site's http(s) URL, e.g. https://acme.atlassian.net");
        }

        // The plumbing reads the common keys, with the credential kind it knows Jira's by.
        AdapterSettings http =
                AdapterSettings.readCommon(name, config, reader, knownType ? type : "jira-cloud", Map.of());
        if (http != null && rawBrowse.isEmpty()) {
            reader.check(
                    !OAUTH_GATEWAY_HOST.equalsIgnoreCase(http.baseUri().getHost()),
                    p + "browse-url",
                    null,
                    "the site's URL, e.g. https://acme.atlassian.net (required when base-url is the OAuth gateway "
                            + OAUTH_GATEWAY_HOST + ", whose links people cannot open)");
        }
        reader.throwIfInvalid();
        Objects.requireNonNull(http);
        return new JiraSettings(http, issueType, pageSize, rawBrowse.isPresent() ? browse : http.baseUri());
    }

    /**
     * A client builder with the common settings, the credential ({@code Authenticator.jiraCloud} or a bearer token)
     * and {@code Accept: application/json} on every request.
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        return http.clientBuilder("jira")
                .clock(clock)
                .addInterceptor(chain -> chain.proceed(chain.request()
                        .newBuilder()
                        .setHeader("Accept", "application/json")
                        .build()));
    }

    /** Where a person opens issue {@code key}. */
    public URI browse(String key) {
        String base = browseUrl.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "browse/" + key);
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "JiraSettings[" + http + ", issue-type=" + issueType + ", page-size=" + pageSize + ", browse-url="
                + browseUrl + "]";
    }
}
