package dev.scaleplane.events.postgres;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.codec.EventCodec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The PostgreSQL the tests run against: 127.0.0.1:5432, database {@code test}, trust authentication, user
 * {@code postgres} or {@code root} (whichever the server accepts). Registered as an extension it gives every test a
 * fresh schema and drops it afterwards, closing the stores the test opened.
 *
 * <p>An unreachable server fails the test with instructions; it never skips.
 */
public final class TestPostgres implements BeforeEachCallback, AfterEachCallback {
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String[] USERS = {"postgres", "root"};
    private static volatile @Nullable String user;

    /** A payload type registered with the codec, so it decodes back to this record. */
    public record Note(String text, int n) {}

    public static final EventType<Note> NOTE = EventType.of("dev.scaleplane.test.note.v1", Note.class);
    public static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(NOTE).build();
    public static final EventCodec CODEC = EventCodec.of(TYPES);

    private @Nullable String schema;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The user the server accepts. */
    public static synchronized String user() {
        String u = user;
        if (u != null) {
            return u;
        }
        List<String> failures = new ArrayList<>();
        for (String candidate : USERS) {
            try (Connection c = DriverManager.getConnection(URL, candidate, "")) {
                c.isValid(5);
                user = candidate;
                return candidate;
            } catch (SQLException e) {
                failures.add(candidate + ": " + e.getMessage());
            }
        }
        throw new AssertionError("PostgreSQL is not reachable at " + URL + " (" + String.join("; ", failures)
                + "). Start it with\n    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
                + "or install it first with\n    apt-get install postgresql\n"
                + "(scripts/test.sh does both), and make sure database 'test' exists with trust authentication "
                + "for local TCP connections.");
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, user(), "");
    }

    /** A schema name no other test uses. */
    public static String newSchemaName() {
        return "sp_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    public static void dropSchema(String schema) {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("dropping schema " + schema + " failed", e);
        }
    }

    public static PostgresStoreConfig.Builder configFor(String schema) {
        return PostgresStoreConfig.builder()
                .url(URL)
                .user(user())
                .schema(schema)
                .poolSize(4);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        user();
        schema = newSchemaName();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        if (schema != null) {
            dropSchema(schema);
        }
    }

    /** This test's schema. */
    public String schema() {
        if (schema == null) {
            throw new IllegalStateException("no test is running");
        }
        return schema;
    }

    /** A config for this test's schema. */
    public PostgresStoreConfig.Builder config() {
        return configFor(schema());
    }

    /** Opens a store on this test's schema, closed after the test. */
    public dev.scaleplane.api.store.EventStore open() {
        return open(config().build());
    }

    /** Opens a store with the given config, closed after the test. */
    public dev.scaleplane.api.store.EventStore open(PostgresStoreConfig config) {
        var store = PostgresEventStoreProvider.open(config, CODEC, Clock.systemUTC());
        opened.add(store);
        return store;
    }

    /** A note event with the given text. */
    public static Event<Note> note(String text, int n) {
        return Event.builder(NOTE, new Note(text, n))
                .source("/test")
                .subject(text)
                .time(Instant.now())
                .build();
    }
}
