package dev.scaleplane.core.discovery;

import static dev.scaleplane.core.discovery.DiscoveryTestSupport.stderrOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.core.discovery.FakeProviders.Alpha;
import dev.scaleplane.core.discovery.FakeProviders.Beta;
import dev.scaleplane.core.discovery.FakeProviders.BetaTwin;
import dev.scaleplane.core.discovery.FakeProviders.Embedded;
import dev.scaleplane.core.discovery.FakeProviders.Gamma;
import dev.scaleplane.core.discovery.FakeProviders.Nameless;
import dev.scaleplane.core.internal.discovery.DuplicateProviderException;
import dev.scaleplane.core.internal.discovery.NoProviderException;
import dev.scaleplane.core.internal.discovery.ProviderFailure;
import dev.scaleplane.core.internal.discovery.ProviderLoader;
import dev.scaleplane.core.internal.discovery.ProviderSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** The selection rule documented in {@link EventBusProvider}, rule by rule. */
class ProviderSelectorTest {

    private final ProviderSelector<EventBusProvider> selector = new ProviderSelector<>(
            "event bus",
            EventBusProvider::name,
            EventBusProvider::priority,
            "scaleplane.events.provider",
            name -> "dev.scaleplane:scaleplane-events-" + name);

    private final Alpha alpha = new Alpha();
    private final Beta beta = new Beta();
    private final Gamma gamma = new Gamma();

    @Test
    void anExplicitInstanceWinsWithoutLookingAtTheOthers() {
        Embedded explicit = new Embedded();
        assertThat(selector.select(explicit, Optional.of("alpha"), List.of(alpha, beta, new BetaTwin())))
                .isSameAs(explicit);
        assertThat(selector.select(explicit, Optional.empty(), List.of())).isSameAs(explicit);
    }

    @Test
    void theConfiguredNameWinsOverPriority() {
        assertThat(selector.select(null, Optional.of("alpha"), List.of(alpha, beta)))
                .isSameAs(alpha);
        assertThat(selector.select(null, Optional.of("  Alpha "), List.of(beta, alpha)))
                .isSameAs(alpha);
    }

    @Test
    void anUnknownConfiguredNameListsTheInstalledNamesAndTheArtifactToAdd() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class, () -> selector.select(null, Optional.of("kafka"), List.of(beta, alpha)));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("scaleplane.events.provider");
            assertThat(p.value()).isEqualTo("kafka");
            assertThat(p.expected())
                    .contains("one of the installed event bus providers: alpha, beta")
                    .contains("add dev.scaleplane:scaleplane-events-kafka to the class path");
        });
        assertThat(e.getMessage())
                .contains("scaleplane.events.provider = 'kafka'")
                .contains("alpha, beta")
                .contains("dev.scaleplane:scaleplane-events-kafka");
    }

    @Test
    void anUnknownConfiguredNameWithNothingInstalledSaysSoAndNamesBrokenProviders() {
        ProviderFailure broken = new ProviderFailure(
                "com.example.KafkaProvider",
                new ServiceConfigurationError(
                        "Provider com.example.KafkaProvider could not be instantiated",
                        new NoClassDefFoundError("org/apache/kafka/clients/producer/Producer")));
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> selector.select(null, Optional.of("kafka"), List.of(), List.of(broken)));
        assertThat(e.problems().get(0).expected())
                .contains("none is installed")
                .contains("dev.scaleplane:scaleplane-events-kafka")
                .contains("com.example.KafkaProvider")
                .contains("org/apache/kafka/clients/producer/Producer");
    }

    @Test
    void aBlankConfiguredNameCountsAsUnset() {
        assertThat(selector.select(null, Optional.of("  "), List.of(alpha))).isSameAs(alpha);
    }

    @Test
    void theOnlyProviderFoundIsUsed() {
        Embedded embedded = new Embedded();
        assertThat(selector.select(null, Optional.empty(), List.of(embedded))).isSameAs(embedded);
    }

    @Test
    void theHighestPriorityWinsAmongSeveral() {
        Embedded embedded = new Embedded();
        assertThat(selector.select(null, Optional.empty(), List.of(embedded, alpha, beta)))
                .isSameAs(beta);
        assertThat(selector.select(null, Optional.empty(), List.of(embedded, alpha)))
                .isSameAs(alpha);
    }

    @Test
    void aPriorityTiePicksTheFirstClassNameAndWarnsListingTheTiedClasses() {
        List<EventBusProvider> chosen = new ArrayList<>();
        String log = stderrOf(() -> chosen.add(selector.select(null, Optional.empty(), List.of(gamma, alpha, beta))));
        assertThat(chosen).containsExactly(beta); // FakeProviders$Beta < FakeProviders$Gamma
        assertThat(log)
                .contains("WARN")
                .contains("highest priority 5")
                .contains(Beta.class.getName() + ", " + Gamma.class.getName())
                .contains("scaleplane.events.provider");
        // The same choice whatever the discovery order.
        String again = stderrOf(() -> chosen.add(selector.select(null, Optional.empty(), List.of(beta, gamma))));
        assertThat(chosen.get(1)).isSameAs(beta);
        assertThat(again).contains("WARN");
    }

    @Test
    void noTieNoWarning() {
        String log = stderrOf(() -> selector.select(null, Optional.empty(), List.of(alpha, beta)));
        assertThat(log).doesNotContain("WARN");
    }

    @Test
    void duplicateNamesAreAnErrorNamingBothClasses() {
        DuplicateProviderException e = catchThrowableOfType(
                DuplicateProviderException.class,
                () -> selector.select(null, Optional.empty(), List.of(alpha, beta, new BetaTwin())));
        assertThat(e).isInstanceOf(ScaleplaneException.class);
        assertThat(e.providerName()).isEqualTo("beta");
        assertThat(e.providerClasses()).containsExactly(Beta.class.getName(), BetaTwin.class.getName());
        assertThat(e.getMessage())
                .contains("'beta'")
                .contains(Beta.class.getName())
                .contains(BetaTwin.class.getName());
        // Even when configuration names another provider: the class path is ambiguous either way.
        assertThatThrownBy(() -> selector.select(null, Optional.of("alpha"), List.of(alpha, beta, new BetaTwin())))
                .isInstanceOf(DuplicateProviderException.class);
    }

    @Test
    void noProviderAtAllSaysWhichArtifactToAdd() {
        NoProviderException e = catchThrowableOfType(
                NoProviderException.class, () -> selector.select(null, Optional.empty(), List.of()));
        assertThat(e).isInstanceOf(ScaleplaneException.class);
        assertThat(e.getMessage())
                .contains("No event bus provider was found on the class path")
                .contains("dev.scaleplane:scaleplane-events-<name>")
                .contains("scaleplane.events.provider")
                .doesNotContain("failed to load");
        assertThat(e.failures()).isEmpty();
    }

    @Test
    void aProviderWithoutANameIsRejected() {
        assertThatThrownBy(() -> selector.select(null, Optional.empty(), List.of(alpha, new Nameless())))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining(Nameless.class.getName())
                .hasMessageContaining("no name");
    }

    @Test
    void theEventBusPresetPointsTheMemoryProviderAtCore() {
        ProviderSelector<EventBusProvider> preset = ProviderSelector.eventBus();
        assertThat(preset.configKey()).isEqualTo("scaleplane.events.provider");
        assertThatThrownBy(() -> preset.select(null, Optional.of("memory"), List.of(alpha)))
                .hasMessageContaining("add dev.scaleplane:scaleplane-core to the class path");
        assertThatThrownBy(() -> preset.select(null, Optional.of("rabbitmq"), List.of(alpha)))
                .hasMessageContaining("add dev.scaleplane:scaleplane-events-rabbitmq to the class path");
    }

    @Test
    void aMisspeltNameSuggestsTheInstalledOrKnownProviderMeant() {
        ProviderSelector<EventBusProvider> preset = ProviderSelector.eventBus();
        assertThatThrownBy(() -> preset.select(null, Optional.of("kafkaa"), List.of(alpha)))
                .hasMessageContaining(
                        "did you mean kafka? (add dev.scaleplane:scaleplane-events-kafka to the class path)")
                .hasMessageNotContaining("scaleplane-events-kafkaa");
        assertThatThrownBy(() -> preset.select(null, Optional.of("alpah"), List.of(alpha)))
                .hasMessageContaining("did you mean alpha?")
                .hasMessageNotContaining("class path");
        assertThatThrownBy(() -> ProviderSelector.eventStore().select(null, Optional.of("postgress"), List.of()))
                .hasMessageContaining("did you mean postgres? (add dev.scaleplane:scaleplane-events-postgres");
        assertThatThrownBy(() -> preset.select(null, Optional.of("nats"), List.of(alpha)))
                .hasMessageContaining("to use 'nats', add dev.scaleplane:scaleplane-events-nats to the class path")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void selectingThroughALoaderLoadsOnlyWhenNeeded() {
        ProviderLoader failing = new ProviderLoader() {
            @Override
            public <P> List<P> load(Class<P> spi) {
                throw new AssertionError("must not load when an instance is given");
            }
        };
        assertThat(selector.select(alpha, Optional.empty(), failing, EventBusProvider.class))
                .isSameAs(alpha);
        assertThat(selector.select(null, Optional.empty(), ProviderLoader.of(alpha, beta), EventBusProvider.class))
                .isSameAs(beta);
    }
}
