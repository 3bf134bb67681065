package dev.scaleplane.events.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store as a user gets it: found by the platform on the class path and configured by keys. */
class PlatformIntegrationTest {
    @RegisterExtension
    final TestPostgres pg = new TestPostgres();

    @Test
    void thePlatformSelectsAndConfiguresThePostgresStore() {
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .eventTypes(TestPostgres.TYPES)
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.store.provider",
                        "postgres",
                        PostgresStoreConfig.URL,
                        TestPostgres.URL,
                        PostgresStoreConfig.USER,
                        TestPostgres.user(),
                        PostgresStoreConfig.SCHEMA,
                        pg.schema())))
                .build()) {
            List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
            CatchUpSubscription sub = platform.store().subscribe(CatchUpOptions.fromStart(), seen::add);
            platform.store()
                    .append("deployment-1", ExpectedVersion.NO_STREAM, List.of(TestPostgres.note("x", 1)))
                    .join();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);
            sub.close();
            assertThat(seen.get(0).event().data()).isEqualTo(new TestPostgres.Note("x", 1));
            assertThat(platform.store()
                            .query(AuditQuery.builder()
                                    .types(TestPostgres.NOTE.name())
                                    .build())
                            .events())
                    .hasSize(1);
        }
    }
}
