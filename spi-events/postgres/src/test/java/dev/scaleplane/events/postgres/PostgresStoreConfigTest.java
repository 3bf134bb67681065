package dev.scaleplane.events.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading, validating and printing the store's settings; needs no database. */
class PostgresStoreConfigTest {

    @Test
    void readsEveryKeyWithItsDefault() {
        PostgresStoreConfig config = PostgresStoreConfig.from(
                ScaleplaneProperties.of(Map.of(PostgresStoreConfig.URL, "jdbc:postgresql://db:5432/app")));
        assertThat(config.url()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(config.user()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.schema()).isEqualTo("scaleplane");
        assertThat(config.poolSize()).isEqualTo(10);
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.migrate()).isTrue();
        assertThat(config.notifyEnabled()).isTrue();
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(500));

        PostgresStoreConfig set = PostgresStoreConfig.from(ScaleplaneProperties.of(Map.of(
                PostgresStoreConfig.URL, "jdbc:postgresql://db/app",
                PostgresStoreConfig.USER, "svc",
                PostgresStoreConfig.PASSWORD, "s3cret",
                PostgresStoreConfig.SCHEMA, "audit_2",
                PostgresStoreConfig.POOL_SIZE, "3",
                PostgresStoreConfig.CONNECTION_TIMEOUT, "2s",
                PostgresStoreConfig.MIGRATE, "false",
                PostgresStoreConfig.NOTIFY, "false",
                PostgresStoreConfig.POLL_INTERVAL, "50ms")));
        assertThat(set.user()).hasValue("svc");
        assertThat(set.password()).hasValue("s3cret");
        assertThat(set.schema()).isEqualTo("audit_2");
        assertThat(set.poolSize()).isEqualTo(3);
        assertThat(set.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.migrate()).isFalse();
        assertThat(set.notifyEnabled()).isFalse();
        assertThat(set.pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(set.toBuilder().build().toString()).isEqualTo(set.toString());
    }

    @Test
    void listsEveryProblemAtOnceAndNeverPrintsThePassword() {
        assertThatThrownBy(() -> PostgresStoreConfig.from(ScaleplaneProperties.of(Map.of(
                        PostgresStoreConfig.PASSWORD,
                        "hunter2",
                        PostgresStoreConfig.SCHEMA,
                        "Bad-Schema",
                        PostgresStoreConfig.POOL_SIZE,
                        "0",
                        PostgresStoreConfig.POLL_INTERVAL,
                        "soon",
                        PostgresStoreConfig.MIGRATE,
                        "maybe",
                        "scaleplane.store.postgres.pool-sise",
                        "4"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    PostgresStoreConfig.URL,
                                    PostgresStoreConfig.SCHEMA,
                                    PostgresStoreConfig.POOL_SIZE,
                                    PostgresStoreConfig.POLL_INTERVAL,
                                    PostgresStoreConfig.MIGRATE,
                                    "scaleplane.store.postgres.pool-sise");
                    assertThat(e.getMessage()).contains("did you mean scaleplane.store.postgres.pool-size");
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
        assertThatThrownBy(() -> PostgresStoreConfig.from(ScaleplaneProperties.of(Map.of(
                        PostgresStoreConfig.URL,
                        "jdbc:mysql://db/app?password=hunter2",
                        "scaleplane.store.postgres.pasword",
                        "hunter2"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(PostgresStoreConfig.URL)
                .hasMessageContaining("scaleplane.store.postgres.pasword")
                .hasMessageContaining("did you mean scaleplane.store.postgres.password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void toStringRedactsThePasswordAndAPasswordInTheUrl() {
        PostgresStoreConfig config = PostgresStoreConfig.builder()
                .url("jdbc:postgresql://db/app?ssl=true&password=hunter2&x=1")
                .user("svc")
                .password("hunter2")
                .build();
        assertThat(config.toString())
                .doesNotContain("hunter2")
                .contains("password=<redacted>&x=1")
                .contains("user=svc");
    }

    @Test
    void buildersRejectInvalidValuesWithTheValueInTheMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PostgresStoreConfig.builder().schema("1abc"))
                .withMessageContaining("'1abc'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PostgresStoreConfig.builder().poolSize(0))
                .withMessageContaining("but was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PostgresStoreConfig.builder().url("jdbc:h2:mem"))
                .withMessageContaining("jdbc:postgresql:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PostgresStoreConfig.builder().pollInterval(Duration.ZERO));
        assertThatThrownBy(() -> PostgresStoreConfig.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theProviderReportsItsAndTheRetentionProblemsTogether() {
        assertThatThrownBy(() -> new PostgresEventStoreProvider()
                        .create(TestContext.of(
                                Map.of(
                                        PostgresStoreConfig.POOL_SIZE,
                                        "x",
                                        "scaleplane.store.retention.orders.max-count",
                                        "-1"),
                                EventTypeRegistry.empty(),
                                Clock.systemUTC())))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                PostgresStoreConfig.URL,
                                PostgresStoreConfig.POOL_SIZE,
                                "scaleplane.store.retention.orders.max-count"));
    }
}
