package dev.scaleplane.core.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.api.adapters.issues.NewIssue;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Named adapter instances: configuration, validation at build time, creation on first use, closing. */
class AdaptersConfigurationTest {

    private static final AtomicInteger CLOSED = new AtomicInteger();

    /** A CI system "forge" that needs scaleplane.adapters.<instance>.url. */
    static final class ForgeCi implements CiAdapterProvider {
        @Override
        public String name() {
            return "forge";
        }

        @Override
        public Set<CiCapability> capabilities() {
            return Set.of(CiCapability.CANCEL);
        }

        @Override
        public void validate(String instance, ConfigProperties config) {
            String key = "scaleplane.adapters." + instance + ".url";
            if (config.get(key).isEmpty()) {
                throw ConfigurationException.of(key, null, "the forge's base URL");
            }
        }

        @Override
        public CiAdapter create(String instance, ProviderContext context) {
            return new CiAdapter() {
                @Override
                public String name() {
                    return instance;
                }

                @Override
                public String system() {
                    return "forge";
                }

                @Override
                public CiRun trigger(CiTrigger trigger) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public CiRun status(String runId) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public CiRun cancel(String runId) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Stream<CiRun> runs(String pipeline) {
                    return Stream.empty();
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    /** The same system also tracks issues. */
    static final class ForgeIssues implements IssueTrackerAdapterProvider {
        @Override
        public String name() {
            return "forge";
        }

        @Override
        public Set<IssueTrackerCapability> capabilities() {
            return Set.of();
        }

        @Override
        public IssueTrackerAdapter create(String instance, ProviderContext context) {
            return new IssueTrackerAdapter() {
                @Override
                public String name() {
                    return instance;
                }

                @Override
                public String system() {
                    return "forge";
                }

                @Override
                public Issue create(NewIssue issue) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Issue update(String id, @Nullable String title, @Nullable String markdownBody) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public String comment(String id, String markdown) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Issue close(String id) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Issue transition(String id, String transition) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Optional<Issue> find(String id) {
                    return Optional.empty();
                }

                @Override
                public Stream<Issue> search(IssueQuery query) {
                    return Stream.empty();
                }

                @Override
                public Issue upsert(String externalKey, NewIssue issue, String comment) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    private static Scaleplane.Builder builder(Map<String, String> config) {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .ciAdapterProviders(List.of(new ForgeCi()))
                .issueTrackerAdapterProviders(List.of(new ForgeIssues()));
    }

    @Test
    void namedInstancesAreCreatedOnFirstUseOncePerKindAndClosedWithThePlatform() {
        CLOSED.set(0);
        ScaleplanePlatform platform = builder(Map.of(
                        "scaleplane.adapters.forge-eu.type", "forge",
                        "scaleplane.adapters.forge-eu.url", "https://eu.example.com",
                        "scaleplane.adapters.forge-us.type", "forge",
                        "scaleplane.adapters.forge-us.url", "https://us.example.com"))
                .build();
        assertThat(platform.adapters().ciNames()).containsExactly("forge-eu", "forge-us");
        assertThat(platform.adapters().issueTrackerNames()).containsExactly("forge-eu", "forge-us");
        CiAdapter eu = platform.adapters().ci("forge-eu");
        assertThat(eu.name()).isEqualTo("forge-eu");
        assertThat(eu.system()).isEqualTo("forge");
        assertThat(platform.adapters().ci("forge-eu")).isSameAs(eu);
        assertThat(platform.adapters().issues("forge-us").name()).isEqualTo("forge-us");
        platform.close();
        assertThat(CLOSED.get()).as("the one CI adapter created").isEqualTo(1);
        assertThatThrownBy(() -> platform.adapters().ci("forge-eu")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingTypeAnUnknownSystemAndAProvidersOwnProblemsAreReportedTogether() {
        assertThatThrownBy(() -> builder(Map.of(
                                "scaleplane.adapters.nameless.url", "https://x.example.com",
                                "scaleplane.adapters.tickets.type", "jira",
                                "scaleplane.adapters.forge-eu.type", "forge",
                                "scaleplane.events.publish-timeout", "soon"))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(
                                "scaleplane.adapters.nameless.type",
                                "scaleplane.adapters.tickets.type",
                                "scaleplane.adapters.forge-eu.url",
                                "scaleplane.events.publish-timeout"))
                .hasMessageContaining("dev.scaleplane:scaleplane-adapters-jira")
                .hasMessageContaining("[forge]");
    }

    @Test
    void anUnknownInstanceNamesTheConfiguredOnes() {
        try (ScaleplanePlatform platform = builder(Map.of(
                        "scaleplane.adapters.forge-eu.type", "forge",
                        "scaleplane.adapters.forge-eu.url", "https://eu.example.com"))
                .build()) {
            assertThatThrownBy(() -> platform.adapters().ci("jenkins-main"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("jenkins-main")
                    .hasMessageContaining("[forge-eu]")
                    .hasMessageContaining("scaleplane.adapters.jenkins-main.type");
        }
    }
}
