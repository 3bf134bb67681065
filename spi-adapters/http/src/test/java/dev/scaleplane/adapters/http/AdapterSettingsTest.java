package dev.scaleplane.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AdapterSettingsTest {

    @Test
    void readsAnInstanceAndBuildsItsAuthenticator() {
        AdapterSettings settings = AdapterSettings.read(
                "gitlab-main",
                ScaleplaneProperties.of(Map.of(
                        "scaleplane.adapters.gitlab-main.base-url", "https://gitlab.example.com/api/v4",
                        "scaleplane.adapters.gitlab-main.request-timeout", "5s",
                        "scaleplane.adapters.gitlab-main.max-attempts", "2",
                        "scaleplane.adapters.gitlab-main.auth.type", "header",
                        "scaleplane.adapters.gitlab-main.auth.token", "glpat-abc")));
        assertThat(settings.baseUri()).isEqualTo(URI.create("https://gitlab.example.com/api/v4"));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxAttempts()).isEqualTo(2);
        assertThat(settings.authenticator().credentialKey()).startsWith("header:PRIVATE-TOKEN:");
        assertThat(settings.toString()).doesNotContain("glpat-abc");
        assertThat(settings.clientBuilder("gitlab").build().instance()).isEqualTo("gitlab-main");
    }

    @Test
    void collectsEveryProblemInOneExceptionWithSecretsRedacted() {
        assertThatThrownBy(() -> AdapterSettings.read(
                        "jenkins",
                        ScaleplaneProperties.of(Map.of(
                                "scaleplane.adapters.jenkins.base-url", "ftp://ci",
                                "scaleplane.adapters.jenkins.max-attempts", "0",
                                "scaleplane.adapters.jenkins.request-timeout", "soon",
                                "scaleplane.adapters.jenkins.auth.type", "jenkins",
                                "scaleplane.adapters.jenkins.auth.token", "11aa22bb"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    "scaleplane.adapters.jenkins.base-url",
                                    "scaleplane.adapters.jenkins.max-attempts",
                                    "scaleplane.adapters.jenkins.request-timeout",
                                    "scaleplane.adapters.jenkins.auth.username");
                    assertThat(e.getMessage()).doesNotContain("11aa22bb");
                });
    }

    @Test
    void aMissingBaseUrlAndAnUnreadableKeyAreBothReported() {
        assertThatThrownBy(() -> AdapterSettings.read(
                        "gh",
                        ScaleplaneProperties.of(Map.of(
                                "scaleplane.adapters.gh.auth.type", "github-app",
                                "scaleplane.adapters.gh.auth.app-id", "1",
                                "scaleplane.adapters.gh.auth.installation-id", "2",
                                "scaleplane.adapters.gh.auth.private-key-file", "/nonexistent/key.pem"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly(
                                "scaleplane.adapters.gh.base-url", "scaleplane.adapters.gh.auth.private-key-file"));
    }

    @Test
    void anAdaptersOwnKeysAndTheCommonOnesAreReportedTogetherOncePerKeyWithDefaultsFilledIn() {
        String p = "scaleplane.adapters.sys.";
        ScaleplaneProperties config = ScaleplaneProperties.of(Map.of(
                p + "max-attempts", "0",
                p + "auth.type", "vendor-token",
                p + "auth.token", "sys-token-7f3e",
                p + "page-size", "-1"));
        ConfigReader reader = new ConfigReader(config);
        reader.integer(p + "page-size", 10, 1, 100);
        reader.check(false, p + "max-attempts", "0", "the adapter's own explanation");
        // The adapter builds its own authenticator: the plumbing is told none, and a default base URL is filled in.
        assertThat(AdapterSettings.readCommon("sys", config, reader, "none", Map.of("base-url", "ftp://sys.example")))
                .isNull();
        assertThat(reader.problems())
                .extracting(ConfigurationException.Problem::key)
                .containsExactly(p + "page-size", p + "max-attempts", p + "base-url");
        assertThat(reader.problems())
                .extracting(ConfigurationException.Problem::key, ConfigurationException.Problem::expected)
                .contains(
                        tuple(p + "max-attempts", "the adapter's own explanation"),
                        tuple(p + "base-url", "an http or https URL"));
        assertThatThrownBy(reader::throwIfInvalid)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("sys-token-7f3e");

        ConfigReader clean = new ConfigReader(config = ScaleplaneProperties.of(Map.of(p + "auth.token", "tok-1")));
        AdapterSettings read = AdapterSettings.readCommon(
                "sys", config, clean, "bearer", Map.of("base-url", "https://api.sys.example/v2/"));
        assertThat(clean.problems()).isEmpty();
        assertThat(read).isNotNull();
        assertThat(read.baseUri()).isEqualTo(URI.create("https://api.sys.example/v2/"));
        assertThat(read.authType()).isEqualTo(AdapterSettings.AuthType.BEARER);
        assertThat(read.token()).isEqualTo(Secret.of("tok-1"));
        // A set key wins over the default.
        config = ScaleplaneProperties.of(Map.of(p + "base-url", "http://proxy:8080"));
        assertThat(AdapterSettings.readCommon(
                                "sys",
                                config,
                                new ConfigReader(config),
                                "none",
                                Map.of("base-url", "https://x.example"))
                        .baseUri())
                .isEqualTo(URI.create("http://proxy:8080"));
    }

    @Test
    void aChoiceIsReadBySpellingWithItsDefaultAndAnUnknownOneIsAProblemNamingTheChoices() {
        String key = "scaleplane.adapters.v.auth.type";
        List<TimeUnit> units = List.of(TimeUnit.SECONDS, TimeUnit.MINUTES);
        Function<TimeUnit, String> spelling = u -> u.name().toLowerCase(Locale.ROOT);
        ConfigReader absent = new ConfigReader(ScaleplaneProperties.of(Map.of()));
        assertThat(AdapterSettings.choice(absent, key, units, spelling, TimeUnit.SECONDS, "seconds or minutes"))
                .contains(TimeUnit.SECONDS);
        ConfigReader set = new ConfigReader(ScaleplaneProperties.of(Map.of(key, " Minutes ")));
        assertThat(AdapterSettings.choice(set, key, units, spelling, TimeUnit.SECONDS, "seconds or minutes"))
                .contains(TimeUnit.MINUTES);
        assertThat(set.problems()).isEmpty();
        ConfigReader unknown = new ConfigReader(ScaleplaneProperties.of(Map.of(key, "Hours")));
        assertThat(AdapterSettings.choice(unknown, key, units, spelling, TimeUnit.SECONDS, "seconds or minutes"))
                .isEmpty();
        assertThat(unknown.problems())
                .containsExactly(new ConfigurationException.Problem(key, "hours", "seconds or minutes"));
    }

    @Test
    void aRootIsTheBaseUrlWithoutTrailingSlashesAndWithoutTheApiPath() {
        assertThat(AdapterSettings.withoutSuffix(URI.create("https://gitlab.example.com/api/v4//"), "/api/v4"))
                .isEqualTo(URI.create("https://gitlab.example.com"));
        assertThat(AdapterSettings.withoutSuffix(URI.create("https://example.com/gitlab"), "/api/v4"))
                .isEqualTo(URI.create("https://example.com/gitlab"));
        assertThat(AdapterSettings.withoutSuffix(URI.create("https://grafana.example.com/api"), "/api"))
                .isEqualTo(URI.create("https://grafana.example.com"));
        assertThat(AdapterSettings.withoutSuffix(URI.create("https://api.datadoghq.eu/"), ""))
                .isEqualTo(URI.create("https://api.datadoghq.eu"));
        // Only a whole trailing path is removed, not the end of a longer segment.
        assertThat(AdapterSettings.withoutSuffix(URI.create("https://example.com/my-api"), "/api"))
                .isEqualTo(URI.create("https://example.com/my-api"));
    }
}
