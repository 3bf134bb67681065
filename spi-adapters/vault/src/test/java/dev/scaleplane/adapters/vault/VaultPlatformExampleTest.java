package dev.scaleplane.adapters.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=vault} and
 * validated when the platform is built, on the Vault simulation; a rotation the watch reports reaches the bus.
 */
class VaultPlatformExampleTest {
    private static final String P = "scaleplane.adapters.vault.";

    private FakeVault fake;

    @BeforeEach
    void start() {
        fake = FakeVault.launch();
        fake.write(FakeVault.MOUNT, "apps/db", Map.of("username", "app", "password", "first-pw"));
    }

    @AfterEach
    void stop() {
        fake.shutdown();
    }

    @Test
    void theReadmeExampleReadsWritesAndWatchesThroughThePlatform() throws Exception {
        Map<String, String> config =
                Map.of(P + "type", "vault", P + "base-url", fake.address(), P + "auth.token", FakeVault.ROOT_TOKEN);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            BlockingQueue<Event<SecretRotated>> published = new LinkedBlockingQueue<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.of(SecretEvents.DEFAULT_TOPIC, "example"),
                            SecretEvents.ROTATED,
                            published::add);
            // README: begin
            SecretsAdapter vault = platform.adapters().secrets("vault");
            SecretVersion db = vault.get("apps/db"); // the latest version
            Secret password = db.field("password");
            SecretVersion first = vault.get("apps/db", SecretSelector.version("1"));
            // README: end
            assertThat(password.reveal()).isEqualTo("first-pw");
            assertThat(first.version()).isEqualTo("1");
            AutoCloseable watch = vault.watch(Set.of("apps/db"), Duration.ofMillis(5), rotation -> {});
            try {
                // README: begin
                SecretVersion next =
                        vault.put("apps/db", Map.of("username", Secret.of("app"), "password", Secret.of("second-pw")));
                // README: end
                Event<SecretRotated> event = published.poll(10, TimeUnit.SECONDS);
                assertThat(event).isNotNull();
                assertThat(event.data().name()).isEqualTo("apps/db");
                assertThat(event.data().version()).isEqualTo(next.version()).isEqualTo("2");
                assertThat(event.data().previousVersion()).isEqualTo("1");
                assertThat(event.id()).isEqualTo("vault:vault:apps/db:2");
            } finally {
                watch.close();
            }
            assertThat(vault.system()).isEqualTo("vault");
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "vault",
                P + "auth.type", "kubernetes",
                P + "kv.mount", "..");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "base-url", P + "auth.kubernetes.role", P + "kv.mount"));
    }
}
