package dev.scaleplane.adapters.grafana.internal;

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
import org.jspecify.annotations.Nullable;

/**
 * The settings of one Grafana instance: the plumbing's {@link AdapterSettings} plus Grafana's own keys. See {@code
 * dev.scaleplane.adapters.grafana} for the table of keys.
 *
 * @param http the common settings; its base URI is Grafana's root URL, e.g. {@code https://grafana.example.com}
 * @param auth how requests carry the credential
 * @param root Grafana's root URL without a trailing {@code /} (the HTTP API is under {@code <root>/api})
 * @param orgId the organisation sent as {@code X-Grafana-Org-Id}, or null to send none (the credential's own)
 * @param markerDashboard the dashboard UID deployment markers are put on, or null for organisation-wide markers
 * @param markerPanel the panel of that dashboard, or null for the whole dashboard
 */
public record GrafanaSettings(
        AdapterSettings http,
        Auth auth,
        URI root,
        @Nullable Long orgId,
        @Nullable String markerDashboard,
        @Nullable Integer markerPanel) {

    /** The header naming the organisation a request acts in (Grafana's HTTP API authentication docs). */
    public static final String ORG_HEADER = "X-Grafana-Org-Id";

    /** How requests carry the credential ({@code auth.type}). */
    public enum Auth {
        /** A service-account token (or a legacy API key) in {@code Authorization: Bearer}. */
        BEARER("bearer"),
        /** A Grafana user and password, HTTP Basic. */
        BASIC("basic"),
        /** No credential: only for a Grafana that lets anonymous users edit annotations. */
        NONE("none");

        private final String key;

        Auth(String key) {
            this.key = key;
        }

        /** The spelling in {@code auth.type}. */
        public String key() {
            return key;
        }
    }

    /** Validates. */
    public GrafanaSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(root, "root");
        if (markerPanel != null && markerDashboard == null) {
            throw new IllegalArgumentException("a marker panel needs a marker dashboard");
        }
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static GrafanaSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        boolean hasToken =
                reader.optional(p + "auth.token").filter(t -> !t.isBlank()).isPresent();
        Optional<Auth> auth = AdapterSettings.choice(
                reader,
                p + "auth.type",
                List.of(Auth.values()),
                Auth::key,
                hasToken ? Auth.BEARER : Auth.NONE,
                "bearer (a service-account token, sent as Authorization: Bearer), basic (a Grafana user and"
                        + " password) or none");

        Long orgId = null;
        Optional<String> rawOrg = reader.optional(p + "org-id").map(String::trim);
        if (rawOrg.isPresent()) {
            try {
                orgId = Long.parseLong(rawOrg.get());
            } catch (NumberFormatException e) {
                orgId = -1L;
            }
            if (!reader.check(orgId >= 1, p + "org-id", rawOrg.get(), "a Grafana organisation id, an integer >= 1")) {
                orgId = null;
            }
        }

        String dashboard = reader.optional(p + "deployment-markers.dashboard-uid")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .orElse(null);
        Integer panel = null;
        Optional<String> rawPanel =
                reader.optional(p + "deployment-markers.panel-id").map(String::trim);
        if (rawPanel.isPresent()) {
            try {
                panel = Integer.parseInt(rawPanel.get());
            } catch (NumberFormatException e) {
                panel = -1;
            }
            if (!reader.check(
                    panel >= 1, p + "deployment-markers.panel-id", rawPanel.get(), "a panel id, an integer >= 1")) {
                panel = null;
            } else if (!reader.check(
                    dashboard != null,
                    p + "deployment-markers.panel-id",
                    rawPanel.get(),
                    "no panel without deployment-markers.dashboard-uid: a panel belongs to a dashboard")) {
                panel = null;
            }
        }

        // The plumbing reads the common keys (base-url, timeouts, attempts, username, token). Its auth.type names
        // differ from ours and our problems with it are reported above, so it is told the resolved type.
        AdapterSettings http = AdapterSettings.readCommon(
                name, config, reader, auth.map(Auth::key).orElse(Auth.NONE.key()), Map.of());
        reader.throwIfInvalid();
        return new GrafanaSettings(
                Objects.requireNonNull(http), auth.orElseThrow(), root(http.baseUri()), orgId, dashboard, panel);
    }

    /** {@code base-url} without trailing {@code /} (nor {@code /api}, so the API's own URL is accepted too). */
    static URI root(URI baseUrl) {
        return AdapterSettings.withoutSuffix(baseUrl, "/api");
    }

    /**
     * A client builder with the common settings and the credential, pointed at Grafana's root, with {@code Accept:
     * application/json}, a {@code User-Agent} and, when configured, {@code X-Grafana-Org-Id} on every request.
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        String org = orgId == null ? null : String.valueOf(orgId);
        return http.clientBuilder("grafana").baseUri(root).clock(clock).addInterceptor(chain -> {
            var b = chain.request()
                    .newBuilder()
                    .setHeader("Accept", "application/json")
                    .setHeader("User-Agent", "scaleplane-adapters-grafana");
            if (org != null) {
                b.setHeader(ORG_HEADER, org);
            }
            return chain.proceed(b.build());
        });
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "GrafanaSettings[" + http.name() + ", " + root + ", auth=" + auth.key()
                + (http.username() != null ? ", user=" + http.username() : "")
                + (http.token() != null ? ", token=****" : "")
                + (orgId != null ? ", org-id=" + orgId : "")
                + (markerDashboard != null ? ", markers on " + markerDashboard : "")
                + (markerPanel != null ? "/" + markerPanel : "") + "]";
    }
}
