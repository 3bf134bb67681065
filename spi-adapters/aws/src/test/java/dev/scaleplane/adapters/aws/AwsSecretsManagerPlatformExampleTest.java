package dev.scaleplane.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code
 * type=aws-secrets-manager} and validated when the platform is built, on the Secrets Manager simulation; a rotation
 * seen by the watch is published on the platform's bus.
 */
class AwsSecretsManagerPlatformExampleTest {
    private static final String P = "scaleplane.adapters.aws-prod.";

    private FakeSecretsManager aws;

    @BeforeEach
    void start() {
        aws = FakeSecretsManager.launch();
    }

    @AfterEach
    void stop() {
        aws.shutdown();
    }

    @Test
    void theReadmeExampleWritesReadsAndWatchesASecretThroughThePlatform() throws Exception {
        Map<String, String> config = Map.of(
                P + "type", "aws-secrets-manager",
                P + "region", FakeSecretsManager.REGION,
                P + "endpoint-override", aws.baseUrl(),
                P + "auth.access-key-id", FakeSecretsManager.ACCESS_KEY_ID,
                P + "auth.secret-access-key", FakeSecretsManager.SECRET_ACCESS_KEY);
        String password = "pw-" + UUID.randomUUID();
        Duration every = Duration.ofMillis(20);
        List<SecretRotated> rotations = new CopyOnWriteArrayList<>();
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            BlockingQueue<Event<SecretRotated>> published = new LinkedBlockingQueue<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.of(SecretEvents.DEFAULT_TOPIC, "test"),
                            SecretEvents.ROTATED,
                            published::add);
            // README: begin
            SecretsAdapter secrets = platform.adapters().secrets("aws-prod");
            secrets.put("payments/db", Map.of("username", Secret.of("payments"), "password", Secret.of(password)));
            SecretVersion current = secrets.get("payments/db");
            Secret dbPassword = current.field("password");
            // Rotations are published on the bus (topic scaleplane.secrets.rotations) and heard here.
            AutoCloseable watch = secrets.watch(Set.of("payments/db"), every, rotations::add);
            // README: end
            try {
                assertThat(dbPassword.reveal()).isEqualTo(password);
                assertThat(secrets.system()).isEqualTo("aws-secrets-manager");
                SecretVersion next = secrets.put(
                        "payments/db", Map.of("username", Secret.of("payments"), "password", Secret.of("rotated")));
                Event<SecretRotated> event = published.poll(10, TimeUnit.SECONDS);
                assertThat(event).isNotNull();
                assertThat(event.data().name()).isEqualTo("payments/db");
                assertThat(event.data().version()).isEqualTo(next.version());
                assertThat(event.data().previousVersion()).isEqualTo(current.version());
                assertThat(event.id()).isEqualTo("aws-secrets-manager:aws-prod:payments/db:" + next.version());
                assertThat(event.toString()).doesNotContain(password);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !rotations.isEmpty());
                assertThat(rotations).containsExactly(event.data());
            } finally {
                watch.close();
            }
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "aws-secrets-manager",
                P + "auth.type", "web-identity",
                P + "page-size", "1000");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "auth.role-arn", P + "auth.web-identity-token-file", P + "page-size"));
    }
}
