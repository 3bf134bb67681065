package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.postgres.PostgresEventStoreProvider;
import dev.scaleplane.events.postgres.PostgresStoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends to the PostgreSQL event store against a raw JDBC batch insert into a table of the same shape, in one run:
 * {@code scaleplane} is {@code EventStore.append(stream, ANY, batch).join()}; {@code jdbc} is a plain
 * {@code PreparedStatement} batch ({@code reWriteBatchedInserts=true}, so one multi-row {@code INSERT}) and a commit
 * on a connection per thread, into {@code raw_events}, created {@code LIKE events INCLUDING ALL} (same columns,
 * primary key, unique {@code (stream, version)} and audit indexes). Both encode every event with the same
 * {@link EventCodec} per operation. One operation appends {@code batch} events; multiply by it for events/s.
 *
 * <p>What the raw side does not do, and the SDK does, so read the ratio with it: check an expected version (the SDK
 * locks the stream and reads and updates its row), hand the append to a pool thread and complete a future, and send a
 * {@code NOTIFY} after the commit. The raw side numbers its rows from in-process counters, which only one process may
 * do. Both commit with the server's {@code synchronous_commit} (on by default), so both wait for a WAL flush: the
 * physical limit of this disk is in both figures.
 *
 * <p>Needs PostgreSQL at {@link #url} with trust authentication for {@link #user}; each trial uses a fresh schema and
 * drops it. Run with {@code -t 1} and {@code -t 4} for one and four appending threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PostgresAppendBenchmark {

    /** {@code scaleplane} (the store's append) or {@code jdbc} (raw batch insert). */
    @Param({"scaleplane", "jdbc"})
    public String impl;

    /** Events per append. */
    @Param({"1", "10"})
    public int batch;

    /** The database. */
    @Param({"jdbc:postgresql://127.0.0.1:5432/test"})
    public String url;

    /** The database user (trust authentication). */
    @Param({"postgres"})
    public String user;

    private String schema;
    private EventCodec codec;
    private EventStore store;
    private List<Event<?>> events;
    private final AtomicLong rawPositions = new AtomicLong();
    private final AtomicInteger threadIds = new AtomicInteger();

    /** Creates the schema through the store, and the raw table like the store's. */
    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        codec = EventCodec.of(EventTypeRegistry.platformDefaults());
        store = PostgresEventStoreProvider.open(
                PostgresStoreConfig.builder()
                        .url(url)
                        .user(user)
                        .schema(schema)
                        .poolSize(8)
                        .build(),
                codec,
                Clock.systemUTC());
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + schema + ".raw_events (LIKE " + schema + ".events INCLUDING ALL)");
        }
        events = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            events.add(Payloads.EVENT);
        }
    }

    /** Closes the store and drops the schema. */
    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        store.close();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** One appending thread: its own stream, and for the raw side its own connection and version counter. */
    @State(Scope.Thread)
    public static class Writer {
        String stream;
        long version;
        Connection connection;
        PreparedStatement insert;

        /** Opens the raw connection when measuring JDBC. */
        @Setup(Level.Trial)
        public void setUp(PostgresAppendBenchmark b) throws SQLException {
            stream = "bench-" + b.threadIds.incrementAndGet();
            if (b.impl.equals("jdbc")) {
                Properties p = new Properties();
                p.setProperty("user", b.user);
                p.setProperty("reWriteBatchedInserts", "true");
                connection = DriverManager.getConnection(b.url, p);
                connection.setAutoCommit(false);
                insert = connection.prepareStatement("INSERT INTO " + b.schema + ".raw_events (position, stream, "
                        + "version, event_id, type, tenant, cluster, correlation_id, occurred_at, recorded_at, data) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
        }

        /** Closes the raw connection. */
        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** One append of {@link #batch} events. */
    @Benchmark
    public Object append(Writer w) throws SQLException {
        if (impl.equals("scaleplane")) {
            return store.append(w.stream, ExpectedVersion.ANY, events).join();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        for (Event<?> e : events) {
            PreparedStatement ps = w.insert;
            ps.setLong(1, rawPositions.getAndIncrement());
            ps.setString(2, w.stream);
            ps.setLong(3, w.version++);
            ps.setString(4, e.id());
            ps.setString(5, e.type());
            ps.setString(6, e.tenant());
            ps.setString(7, e.cluster());
            ps.setString(8, e.correlationId());
            ps.setObject(9, OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC));
            ps.setObject(10, now);
            ps.setBytes(11, codec.encodeStructured(e));
            ps.addBatch();
        }
        int[] counts = w.insert.executeBatch();
        w.connection.commit();
        return counts;
    }
}
