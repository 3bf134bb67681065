package dev.scaleplane.events.postgres;

import static dev.scaleplane.events.postgres.TestPostgres.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Discovery of the provider, and creating, migrating and checking the schema. */
class ProviderAndSchemaTest {
    @RegisterExtension
    final TestPostgres pg = new TestPostgres();

    @Test
    void serviceLoaderFindsTheProvider() {
        List<EventStoreProvider> found = new ArrayList<>();
        ServiceLoader.load(EventStoreProvider.class).forEach(found::add);
        assertThat(found)
                .filteredOn(p -> p instanceof PostgresEventStoreProvider)
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.name()).isEqualTo("postgres");
                    assertThat(p.priority()).isZero();
                });
    }

    @Test
    void theProviderOpensAWorkingStoreFromConfiguration() {
        EventStore store = new PostgresEventStoreProvider()
                .create(TestContext.of(
                        Map.of(
                                PostgresStoreConfig.URL, TestPostgres.URL,
                                PostgresStoreConfig.USER, TestPostgres.user(),
                                PostgresStoreConfig.SCHEMA, pg.schema()),
                        TestPostgres.TYPES,
                        Clock.systemUTC()));
        try (store) {
            store.append("p-1", ExpectedVersion.NO_STREAM, List.of(note("x", 1)))
                    .join();
            assertThat(store.readStream("p-1", ReadDirection.FORWARD, 0, 10))
                    .singleElement()
                    .satisfies(r -> assertThat(r.event().data()).isEqualTo(new TestPostgres.Note("x", 1)));
        }
    }

    @Test
    void processesStartingAtOnceMigrateTheSchemaOnce() throws Exception {
        int starters = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<EventStore>> opened = new ArrayList<>();
        for (int i = 0; i < starters; i++) {
            opened.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return PostgresEventStoreProvider.open(
                        pg.config().poolSize(1).notify(false).build(), TestPostgres.CODEC, Clock.systemUTC());
            }));
        }
        go.countDown();
        List<EventStore> stores = new ArrayList<>();
        try {
            for (CompletableFuture<EventStore> f : opened) {
                stores.add(f.join());
            }
            assertThat(versions()).containsExactly(1);
            stores.get(0)
                    .append("m-1", ExpectedVersion.ANY, List.of(note("x", 1)))
                    .join();
            assertThat(stores.get(starters - 1).streamVersion("m-1")).hasValue(0);
        } finally {
            stores.forEach(EventStore::close);
        }
        // Reopening migrates nothing.
        pg.open();
        assertThat(versions()).containsExactly(1);
    }

    @Test
    void withoutMigrateAMissingSchemaIsAnErrorThatSaysWhatToDo() {
        assertThatThrownBy(() -> pg.open(pg.config().migrate(false).build()))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining(pg.schema())
                .hasMessageContaining("scaleplane.store.postgres.migrate=true");
    }

    @Test
    void aSchemaFromANewerVersionIsRefused() throws Exception {
        pg.open().close();
        try (Connection c = TestPostgres.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + pg.schema() + ".schema_version (version, description) VALUES (99, 'future')");
        }
        assertThatThrownBy(() -> pg.open())
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("version 99")
                .hasMessageContaining("upgrade");
    }

    @Test
    void anUnreachableDatabaseFailsWithTheCauseAndNoPassword() {
        assertThatThrownBy(() -> pg.open(pg.config()
                        .url("jdbc:postgresql://127.0.0.1:1/test?password=hunter2")
                        .password("hunter2")
                        .connectionTimeout(java.time.Duration.ofMillis(500))
                        .build()))
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageStartingWith(
                        "PostgreSQL server 127.0.0.1:1 (" + PostgresStoreConfig.URL + ") is unreachable: ")
                .hasMessageContaining("(database test, user ")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aRefusedLoginNamesTheUserAndTheCredentialKeysButNotThePassword() {
        // The test server trusts every known user, so a wrong password passes; an unknown user is refused (28000).
        Throwable failure = catchThrowable(() -> pg.open(pg.config()
                .user("no_such_user_4711")
                .password("hunter2")
                .connectionTimeout(java.time.Duration.ofSeconds(5))
                .build()));
        assertThat(failure)
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageStartingWith("PostgreSQL server 127.0.0.1:5432 (" + PostgresStoreConfig.USER + ", "
                        + PostgresStoreConfig.PASSWORD + ") refused the login of user 'no_such_user_4711' to database"
                        + " test: the user name or password is wrong");
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("hunter2");
    }

    private List<Integer> versions() throws Exception {
        List<Integer> versions = new ArrayList<>();
        try (Connection c = TestPostgres.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM " + pg.schema() + ".schema_version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }
}
