package dev.scaleplane.core.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.store.TckClock;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Named observability and secrets instances: selection by {@code type}, validation of every instance when the
 * platform is built (one exception listing every problem), creation on first use, one instance of a system that
 * offers both kinds, closing with the platform, and the read-through cache switched on by configuration.
 */
class ObservabilityAndSecretsAdaptersTest {

    /** An observability system "gauge" that needs {@code scaleplane.adapters.<instance>.url}. */
    static final class GaugeObservability implements ObservabilityAdapterProvider {
        final String system;
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        GaugeObservability(String system) {
            this.system = system;
        }

        @Override
        public String name() {
            return system;
        }

        @Override
        public Set<ObservabilityCapability> capabilities() {
            return Set.of(ObservabilityCapability.values());
        }

        @Override
        public void validate(String instance, ConfigProperties config) {
            String key = "scaleplane.adapters." + instance + ".url";
            if (config.get(key).isEmpty()) {
                throw ConfigurationException.of(key, null, "the base URL of " + system);
            }
        }

        @Override
        public ObservabilityAdapter create(String instance, ProviderContext context) {
            created.incrementAndGet();
            return new ObservabilityAdapter() {
                @Override
                public String name() {
                    return instance;
                }

                @Override
                public String system() {
                    return system;
                }

                @Override
                public Set<ObservabilityCapability> capabilities() {
                    return GaugeObservability.this.capabilities();
                }

                @Override
                public List<Sample> query(String query, Instant at) {
                    return List.of();
                }

                @Override
                public List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
                    return List.of();
                }

                @Override
                public void push(List<MetricPoint> points) {}

                @Override
                public Annotation annotate(Annotation annotation) {
                    return annotation;
                }

                @Override
                public List<Annotation> annotations(AnnotationQuery query) {
                    return List.of();
                }

                @Override
                public void markDeployment(DeploymentMarker marker) {}

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    /**
     * A secrets system that needs a {@code token} of at least 8 characters, reporting a bad one redacted as every
     * provider must; its adapters are {@link FakeSecrets}, kept by instance so the test can reach them.
     */
    static final class KeeperSecrets implements SecretsAdapterProvider {
        final String system;
        final Map<String, FakeSecrets> created = new ConcurrentHashMap<>();

        KeeperSecrets(String system) {
            this.system = system;
        }

        @Override
        public String name() {
            return system;
        }

        @Override
        public Set<SecretsCapability> capabilities() {
            return FakeSecrets.CAPABILITIES;
        }

        @Override
        public void validate(String instance, ConfigProperties config) {
            String key = "scaleplane.adapters." + instance + ".token";
            String token = config.get(key).orElse("");
            if (token.length() < 8) {
                throw ConfigurationException.of(key, ConfigKeys.redact(key, token), "a token of at least 8 characters");
            }
        }

        @Override
        public SecretsAdapter create(String instance, ProviderContext context) {
            FakeSecrets adapter = new FakeSecrets(instance, system);
            created.put(instance, adapter);
            return adapter;
        }
    }

    private final GaugeObservability gauge = new GaugeObservability("gauge");
    private final KeeperSecrets keeper = new KeeperSecrets("keeper");
    private final GaugeObservability forgeObservability = new GaugeObservability("forge");
    private final KeeperSecrets forgeSecrets = new KeeperSecrets("forge");

    private Scaleplane.Builder builder(Map<String, String> config) {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .observabilityAdapterProviders(List.of(gauge, forgeObservability))
                .secretsAdapterProviders(List.of(keeper, forgeSecrets));
    }

    private static Map<String, String> config(String... keysAndValues) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put("scaleplane.adapters." + keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Test
    void namedInstancesAreCreatedOnFirstUseAndOneSystemOfBothKindsIsReachableAsEach() {
        ScaleplanePlatform platform = builder(config(
                        "metrics-eu.type", "gauge",
                        "metrics-eu.url", "https://metrics.example.com",
                        "vault-eu.type", "keeper",
                        "vault-eu.token", "long-enough-token",
                        "forge-eu.type", "forge",
                        "forge-eu.url", "https://forge.example.com",
                        "forge-eu.token", "another-long-token"))
                .build();
        Adapters adapters = platform.adapters();
        assertThat(adapters.observabilityNames()).containsExactly("forge-eu", "metrics-eu");
        assertThat(adapters.secretsNames()).containsExactly("forge-eu", "vault-eu");
        assertThat(adapters.ciNames()).isEmpty();
        assertThat(gauge.created).as("nothing is created before its first use").hasValue(0);

        ObservabilityAdapter metrics = adapters.observability("metrics-eu");
        assertThat(metrics.name()).isEqualTo("metrics-eu");
        assertThat(metrics.system()).isEqualTo("gauge");
        assertThat(adapters.observability("metrics-eu")).isSameAs(metrics);
        assertThat(gauge.created).hasValue(1);

        SecretsAdapter vault = adapters.secrets("vault-eu");
        assertThat(vault.system()).isEqualTo("keeper");
        assertThat(adapters.secrets("vault-eu")).isSameAs(vault);

        assertThat(adapters.observability("forge-eu").system()).isEqualTo("forge");
        assertThat(adapters.secrets("forge-eu").name()).isEqualTo("forge-eu");

        platform.close();
        assertThat(gauge.closed).hasValue(1);
        assertThat(forgeObservability.closed).hasValue(1);
        assertThat(keeper.created.get("vault-eu").closed).hasValue(1);
        assertThat(forgeSecrets.created.get("forge-eu").closed).hasValue(1);
        assertThatThrownBy(() -> adapters.secrets("vault-eu")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> adapters.observability("metrics-eu")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyProblemOfEveryInstanceIsReportedTogetherWithSecretsRedacted() {
        String shortToken = "s3cr";
        assertThatThrownBy(() -> builder(config(
                                "nameless.url", "https://x.example.com",
                                "vault-prod.type", "vault",
                                "metrics-eu.type", "gauge",
                                "metrics-eu.cache.enabled", "true",
                                "keeper-eu.type", "keeper",
                                "keeper-eu.token", shortToken,
                                "keeper-eu.cache.ttl", "soon",
                                "keeper-eu.cache.ttll", "5m",
                                "keeper-eu.cache.stale-if-error", "-1s",
                                "keeper-eu.cache.max-entries", "0",
                                "keeper-eu.rotations.topic", "secret rotations",
                                "keeper-eu.rotations.publish", "maybe",
                                "keeper-us.type", "keeper",
                                "keeper-us.token", "long-enough-token",
                                "keeper-us.cache.ttl", "1m",
                                "keeper-us.cache.refresh-ahead", "1m"))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.adapters.nameless.type",
                                "scaleplane.adapters.vault-prod.type",
                                "scaleplane.adapters.metrics-eu.url",
                                "scaleplane.adapters.metrics-eu.cache.enabled",
                                "scaleplane.adapters.keeper-eu.token",
                                "scaleplane.adapters.keeper-eu.cache.ttl",
                                "scaleplane.adapters.keeper-eu.cache.ttll",
                                "scaleplane.adapters.keeper-eu.cache.stale-if-error",
                                "scaleplane.adapters.keeper-eu.cache.max-entries",
                                "scaleplane.adapters.keeper-eu.rotations.topic",
                                "scaleplane.adapters.keeper-eu.rotations.publish",
                                "scaleplane.adapters.keeper-us.cache.refresh-ahead"))
                .hasMessageContaining("dev.scaleplane:scaleplane-adapters-vault")
                .hasMessageContaining("[forge, gauge, keeper]")
                .hasMessageContaining("did you mean scaleplane.adapters.keeper-eu.cache.ttl?")
                .hasMessageContaining("only secrets instances have cache.* settings")
                .hasMessageContaining("shorter than scaleplane.adapters.keeper-us.cache.ttl")
                .hasMessageNotContaining(shortToken);
    }

    @Test
    void anUnknownInstanceNamesTheConfiguredOnesOfItsKind() {
        try (ScaleplanePlatform platform = builder(config(
                        "metrics-eu.type", "gauge",
                        "metrics-eu.url", "https://metrics.example.com",
                        "vault-eu.type", "keeper",
                        "vault-eu.token", "long-enough-token"))
                .build()) {
            assertThatThrownBy(() -> platform.adapters().secrets("metrics-eu"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("secrets instances: [vault-eu]")
                    .hasMessageContaining("scaleplane.adapters.metrics-eu.type=<vault|aws-secrets-manager|kubernetes>")
                    .hasMessageContaining("dev.scaleplane:scaleplane-adapters-<vault|aws|kubernetes>");
            assertThatThrownBy(() -> platform.adapters().observability("prometheus"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("observability instances: [metrics-eu]")
                    .hasMessageContaining("dev.scaleplane:scaleplane-adapters-<system>");
        }
    }

    @Test
    void twoProvidersOfOneSystemAreAnError() {
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .secretsAdapterProviders(List.of(keeper, new KeeperSecrets("keeper")))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("one provider per adapter system")
                .hasMessageContaining(KeeperSecrets.class.getName());
    }

    @Test
    void anAdaptersImplementationWrittenBeforeTheseKindsHasNoneOfThem() {
        Adapters old = new Adapters() {
            @Override
            public CiAdapter ci(String name) {
                throw new NoSuchElementException(name);
            }

            @Override
            public IssueTrackerAdapter issues(String name) {
                throw new NoSuchElementException(name);
            }

            @Override
            public Set<String> ciNames() {
                return Set.of();
            }

            @Override
            public Set<String> issueTrackerNames() {
                return Set.of();
            }
        };
        assertThat(old.observabilityNames()).isEmpty();
        assertThat(old.secretsNames()).isEmpty();
        assertThatThrownBy(() -> old.secrets("vault-eu"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("vault-eu");
        assertThatThrownBy(() -> old.observability("metrics-eu")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theCacheIsSwitchedOnPerInstanceByConfigurationAndRunsOnThePlatformClock() {
        TckClock clock = new TckClock(Instant.parse("2026-03-02T10:00:00Z"));
        try (ScaleplanePlatform platform = builder(config(
                        "cached.type", "keeper",
                        "cached.token", "long-enough-token",
                        "cached.cache.enabled", "true",
                        "cached.cache.ttl", "1m",
                        "cached.cache.refresh-ahead", "0s",
                        "direct.type", "keeper",
                        "direct.token", "long-enough-token"))
                .clock(clock)
                .build()) {
            SecretsAdapter cached = platform.adapters().secrets("cached");
            SecretsAdapter direct = platform.adapters().secrets("direct");
            for (SecretsAdapter a : List.of(cached, direct)) {
                a.put("db", Map.of("password", Secret.of("platform-value")));
                a.get("db");
                a.get("db");
            }
            assertThat(keeper.created.get("cached").reads).hasValue(1);
            assertThat(keeper.created.get("direct").reads)
                    .as("no cache unless enabled")
                    .hasValue(2);
            clock.advance(Duration.ofMinutes(1));
            cached.get("db");
            assertThat(keeper.created.get("cached").reads).hasValue(2);

            Counter hits = platform.meterRegistry()
                    .find(SecretsCache.HITS)
                    .tags("system", "keeper", "instance", "cached")
                    .counter();
            assertThat(hits).isNotNull();
            assertThat(hits.count()).isEqualTo(1);
            assertThat(platform.meterRegistry()
                            .find(SecretsCache.HITS)
                            .tag("instance", "direct")
                            .counter())
                    .isNull();
        }
    }
}
