package dev.scaleplane.events.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import dev.scaleplane.api.store.StreamDeletedException;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.store.CatchUpSubscriptions;
import dev.scaleplane.core.store.RetentionPolicy;
import dev.scaleplane.core.store.StreamNames;
import dev.scaleplane.events.postgres.PostgresStoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore} on PostgreSQL: several processes append, read and subscribe through one database schema.
 *
 * <h2>Tables</h2>
 *
 * {@code events} holds one row per event (position, stream, version, the indexed audit attributes, and the
 * CloudEvents JSON bytes as encoded by the core's {@link EventCodec}), with a unique {@code (stream, version)}
 * constraint; {@code streams} holds each stream's last version and tombstone; {@code checkpoints} the subscribers'
 * positions. {@link Migrations} creates them.
 *
 * <h2>Appends</h2>
 *
 * One append is one SQL statement in its own transaction: the function {@code begin_append} takes the stream's
 * advisory lock, then checks the {@link ExpectedVersion} and advances the stream's row in one {@code UPDATE} (on a
 * failed expectation it raises an error that becomes {@link WrongExpectedVersionException} with the actual version);
 * the same statement inserts every event from arrays. The stream lock makes concurrent appends to one stream take turns, so versions are
 * consecutive and assigned in commit order, and (because it is taken before the transaction has an id) later versions
 * get later transaction ids and so higher positions; appends to different streams run in parallel and share fsyncs
 * (group commit). After the commit the store sends {@code NOTIFY} in a separate, cheap statement: a {@code NOTIFY} inside
 * the appending transaction would take PostgreSQL's database-wide notify lock until the commit is flushed, which
 * serializes every append. Appends that commit while one is pending share it (see {@link #announce()}).
 *
 * <h2>Global position: transaction ids and a horizon</h2>
 *
 * A sequence would hand out positions in the order transactions <em>start</em> inserting, not the order they
 * commit: a reader could see position 11 before position 10 commits, move on, and miss 10 forever. This store
 * instead derives positions from the appending transaction's id: {@code position = xid << 20 | i} for the
 * {@code i}-th event of the append (at most 2^20 events per append; 64-bit transaction ids never wrap, and fit for
 * 2^43 transactions). Positions are unique and increase within an append; between appends they are sparse, which
 * {@link RecordedEvent#position()} allows.
 *
 * <p>Readers of the global order ({@link #readAll}, subscriptions, {@link #query}) see only positions below a
 * <em>horizon</em>, below which no transaction can still commit anything. It is computed by the function
 * {@code horizon} in one statement, before the statement that reads rows:
 *
 * <ol>
 *   <li>Every appending transaction takes a shared advisory lock on the store's key <em>before</em> it gets a
 *       transaction id (its first write comes after the lock), and holds it until it ends.
 *   <li>The horizon statement takes snapshot {@code S}, then scans {@code pg_locks} once. The horizon is the lowest
 *       of: {@code xmax(S)}; the ids in {@code xip(S)} (in progress at {@code S}) of sessions holding the store's
 *       writer lock; and {@code xmin(S)} if a writer holds the lock but shows no transaction id yet.
 *   <li>Why nothing below it can still appear: take a writer with id {@code t} below the horizon. Then
 *       {@code t < xmax(S)}, so {@code t} was assigned before {@code S}; if it was still running at {@code S} it is in
 *       {@code xip(S)}, and since {@code t} is below the horizon its session did not hold the writer lock at the
 *       scan, which it took before getting {@code t} and keeps until it ends: so it had ended by the scan. The row
 *       query runs later with a fresh snapshot, so it sees every row of {@code t} or {@code t} rolled back.
 * </ol>
 *
 * Unlike the common {@code xid < xmin(snapshot)} rule, a long transaction that does not append to this store
 * (another schema or database, a migration, a report) never holds readers back. What can hold them back is an
 * append still in flight with a lower id, for as long as it runs, which is the point. Stream reads need no horizon:
 * within a stream the stream lock already orders versions by commit.
 *
 * <h2>Catch-up subscriptions</h2>
 *
 * The core's {@link CatchUpSubscriptions}: each subscription pages {@link #readAll} (so it inherits the horizon) on
 * its own thread and, when live, waits for a signal: an append by this process, a {@code NOTIFY} from another process
 * received by the store's {@link NotificationListener}, or at the latest the poll interval, which also covers a lost
 * notification and an older append that rolled back while a newer one waited behind it.
 *
 * <h2>Retention</h2>
 *
 * The {@link RetentionPolicy} is applied to every read as a {@link RetentionFilter}: events beyond it disappear from
 * stream reads, {@code readAll}, subscriptions and audit queries, by the store's clock. Rows are not deleted.
 *
 * <p>Thread-safety: every method may be called concurrently from any thread. Appends run on a pool of
 * {@code pool-size} threads; when its queue is full the caller runs the append itself, which slows producers down
 * instead of buffering without bound. An append whose connection breaks during the commit fails with an
 * {@link EventStoreException} although it may have been written: retry it with the same event ids and an exact
 * expected version to find out.
 */
public final class PostgresEventStore implements EventStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresEventStore.class);
    private static final int APPEND_QUEUE = 10_000;
    private static final AtomicInteger STORES = new AtomicInteger();

    private final PostgresStoreConfig config;
    private final EventCodec codec;
    private final Clock clock;
    private final Sql sql;
    private final int writerKey;
    private final HikariDataSource dataSource;
    private final ThreadPoolExecutor appendExecutor;
    private final RetentionFilter retention;
    private final CatchUpSubscriptions subscriptions;
    private final @Nullable NotificationListener listener;
    private final @Nullable ExecutorService notifier;
    private final AtomicBoolean notifyPending = new AtomicBoolean();
    private volatile boolean closed;

    private PostgresEventStore(
            PostgresStoreConfig config,
            RetentionPolicy retentionPolicy,
            EventCodec codec,
            Clock clock,
            HikariDataSource ds) {
        this.config = config;
        this.codec = codec;
        this.clock = clock;
        this.retention = new RetentionFilter(retentionPolicy, config.schema());
        this.sql = new Sql(config.schema(), retention.sql());
        this.writerKey = Sql.lockKey(config.schema());
        this.dataSource = ds;
        int id = STORES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.appendExecutor = new ThreadPoolExecutor(
                config.poolSize(),
                config.poolSize(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(APPEND_QUEUE),
                r -> {
                    Thread t = new Thread(r, "scaleplane-pg-append-" + id + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                (task, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("the event store is closed");
                    }
                    task.run();
                });
        this.appendExecutor.allowCoreThreadTimeOut(true);
        this.subscriptions = new CatchUpSubscriptions(this, config.pollInterval(), "scaleplane-pg-" + config.schema());
        if (config.notifyEnabled()) {
            listener = new NotificationListener(
                    config.url(), driverProperties(config), sql.channel, subscriptions::appended);
            listener.start();
            notifier = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "scaleplane-pg-notify-" + id);
                t.setDaemon(true);
                return t;
            });
        } else {
            listener = null;
            notifier = null;
        }
    }

    /**
     * Opens a store: creates the pool, migrates (or checks) the schema, starts listening for notifications.
     *
     * @throws dev.scaleplane.api.BackendUnreachableException if the server cannot be reached or refuses the login,
     *     naming its address, the database, the user and the keys to fix
     * @throws EventStoreException if the schema cannot be migrated
     */
    public static PostgresEventStore open(
            PostgresStoreConfig config, RetentionPolicy retention, EventCodec codec, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(clock, "clock");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hikariConfig(config));
        } catch (RuntimeException e) {
            throw ConnectFailure.of(config, e);
        }
        try (Connection c = ds.getConnection()) {
            Migrations.run(c, config.schema(), Sql.lockKey(config.schema()), config.migrate());
        } catch (SQLException | RuntimeException e) {
            ds.close();
            if (e instanceof EventStoreException ese) {
                throw ese;
            }
            throw new EventStoreException("cannot prepare schema " + config.schema() + ": " + e.getMessage(), e);
        }
        log.info("event store open: {}", config);
        return new PostgresEventStore(config, retention, codec, clock, ds);
    }

    private static HikariConfig hikariConfig(PostgresStoreConfig config) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("scaleplane-pg-" + config.schema());
        h.setJdbcUrl(config.url());
        config.user().ifPresent(h::setUsername);
        config.password().ifPresent(h::setPassword);
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(Math.min(2, config.poolSize()));
        h.setConnectionTimeout(config.connectionTimeout().toMillis());
        h.setAutoCommit(true);
        h.addDataSourceProperty("ApplicationName", "scaleplane-events-postgres");
        // Fail fast with the real cause: Hikari would otherwise retry for connectionTimeout and report a timeout.
        h.setInitializationFailTimeout(1);
        return h;
    }

    private static Properties driverProperties(PostgresStoreConfig config) {
        Properties p = new Properties();
        config.user().ifPresent(u -> p.setProperty("user", u));
        config.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("ApplicationName", "scaleplane-events-postgres-listener");
        p.setProperty(
                "connectTimeout",
                Long.toString(Math.max(1, config.connectionTimeout().toSeconds())));
        return p;
    }

    /** The configuration this store runs with. */
    public PostgresStoreConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writes

    @Override
    public CompletableFuture<AppendResult> append(
            String stream, ExpectedVersion expected, List<? extends Event<?>> events) {
        checkStream(stream);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events must not be empty");
        }
        if (events.size() > Sql.MAX_EVENTS_PER_APPEND) {
            throw new IllegalArgumentException(
                    "at most " + Sql.MAX_EVENTS_PER_APPEND + " events per append, but got " + events.size());
        }
        List<Event<?>> batch = List.copyOf(events);
        return submit(() -> appendNow(stream, expected, batch));
    }

    private AppendResult appendNow(String stream, ExpectedVersion expected, List<Event<?>> events) {
        int n = events.size();
        String[] ids = new String[n];
        String[] types = new String[n];
        String[] tenants = new String[n];
        String[] clusters = new String[n];
        String[] correlations = new String[n];
        Long[] micros = new Long[n];
        byte[][] data = new byte[n][];
        for (int i = 0; i < n; i++) {
            Event<?> e = events.get(i);
            ids[i] = e.id();
            types[i] = e.type();
            tenants[i] = e.tenant();
            clusters[i] = e.cluster();
            correlations[i] = e.correlationId();
            micros[i] = epochMicros(e.time());
            data[i] = codec.encodeStructured(e);
        }
        long firstVersion;
        long firstPosition;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql.append)) {
                ps.setString(1, stream);
                ps.setLong(2, expectedCode(expected));
                ps.setInt(3, n);
                ps.setInt(4, writerKey);
                ps.setString(5, stream);
                ps.setObject(
                        6, OffsetDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
                ps.setArray(7, c.createArrayOf("text", ids));
                ps.setArray(8, c.createArrayOf("text", types));
                ps.setArray(9, c.createArrayOf("text", tenants));
                ps.setArray(10, c.createArrayOf("text", clusters));
                ps.setArray(11, c.createArrayOf("text", correlations));
                ps.setArray(12, c.createArrayOf("int8", micros));
                ps.setArray(13, c.createArrayOf("bytea", data));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    firstVersion = rs.getLong(1);
                    firstPosition = rs.getLong(2);
                }
            } catch (SQLException e) {
                throw translate(e, stream, expected, "append to stream '" + stream + "'");
            }
        } catch (SQLException e) {
            throw new EventStoreException("append to stream '" + stream + "' failed: " + e.getMessage(), e);
        }
        announce();
        return new AppendResult(stream, firstVersion, firstVersion + n - 1, firstPosition, firstPosition + n - 1);
    }

    /**
     * Tells subscriptions that an append committed: this process's directly, other processes' with a {@code NOTIFY}
     * sent by the notifier thread. Appends that commit while a {@code NOTIFY} is pending share it, so a busy store
     * sends far fewer than one per append and no append waits for one. The pending flag is cleared before the
     * {@code NOTIFY} is sent, so every commit is followed by a {@code NOTIFY} sent after it.
     */
    private void announce() {
        subscriptions.appended();
        if (notifier != null && notifyPending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::sendNotify);
            } catch (RejectedExecutionException e) {
                notifyPending.set(false); // closing: nobody in this process listens any more
            }
        }
    }

    private void sendNotify() {
        notifyPending.set(false);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.notify)) {
            ps.setString(1, sql.channel);
            ps.execute();
        } catch (SQLException e) {
            // Remote subscribers then find the events at their next poll.
            log.debug("NOTIFY after an append failed; subscribers will poll", e);
        }
    }

    @Override
    public CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected) {
        checkStream(stream);
        Objects.requireNonNull(expected, "expected");
        return submit(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(sql.deleteStream)) {
                ps.setString(1, stream);
                ps.setLong(2, expectedCode(expected));
                ps.execute();
                return null;
            } catch (SQLException e) {
                throw translate(e, stream, expected, "delete stream '" + stream + "'");
            }
        });
    }

    @Override
    public CompletableFuture<Void> storeCheckpoint(String subscriberId, long position) {
        checkSubscriberId(subscriberId);
        if (position < -1) {
            throw new IllegalArgumentException("position must be >= -1, but was " + position);
        }
        return submit(() -> {
            storeCheckpointNow(subscriberId, position);
            return null;
        });
    }

    private void storeCheckpointNow(String subscriberId, long position) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.storeCheckpoint)) {
            ps.setString(1, subscriberId);
            ps.setLong(2, position);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new EventStoreException(
                    "storing the checkpoint of '" + subscriberId + "' failed: " + e.getMessage(), e);
        }
    }

    private <T> CompletableFuture<T> submit(SqlWork<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new EventStoreException("the event store is closed", null));
            return future;
        }
        try {
            appendExecutor.execute(() -> {
                try {
                    future.complete(work.run());
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new EventStoreException("the event store is closed", e));
        }
        return future;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run();
    }

    private static RuntimeException translate(SQLException e, String stream, ExpectedVersion expected, String what) {
        String state = e.getSQLState();
        if (Sql.WRONG_EXPECTED_VERSION.equals(state)) {
            return new WrongExpectedVersionException(stream, expected, actualVersion(e));
        }
        if (Sql.STREAM_DELETED.equals(state)) {
            return new StreamDeletedException(stream);
        }
        return new EventStoreException(what + " failed: " + e.getMessage(), e);
    }

    private static long actualVersion(SQLException e) {
        if (e instanceof PSQLException pe) {
            ServerErrorMessage message = pe.getServerErrorMessage();
            if (message != null && message.getDetail() != null) {
                return Long.parseLong(message.getDetail().trim());
            }
        }
        throw new IllegalStateException("wrong expected version reported without the actual version", e);
    }

    /** The code of an expectation understood by the SQL functions: see {@code begin_append}. */
    private static long expectedCode(ExpectedVersion expected) {
        if (expected instanceof ExpectedVersion.Exactly exactly) {
            return exactly.version();
        }
        if (expected instanceof ExpectedVersion.NoStream) {
            return -1;
        }
        if (expected instanceof ExpectedVersion.StreamExists) {
            return -2;
        }
        return -3;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads

    @Override
    public List<RecordedEvent> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount) {
        checkStream(stream);
        Objects.requireNonNull(direction, "direction");
        checkRead(fromVersion, maxCount, "fromVersion");
        String query = direction == ReadDirection.FORWARD ? sql.readStreamForward : sql.readStreamBackward;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, stream);
            ps.setLong(2, fromVersion);
            ps.setString(3, stream);
            int next = retention.bind(ps, 4, clock.instant());
            ps.setInt(next, maxCount);
            return readEvents(ps);
        } catch (SQLException e) {
            throw new EventStoreException("reading stream '" + stream + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount) {
        Objects.requireNonNull(direction, "direction");
        checkRead(fromPosition, maxCount, "fromPosition");
        String query = direction == ReadDirection.FORWARD ? sql.readAllForward : sql.readAllBackward;
        try (Connection c = dataSource.getConnection()) {
            long horizon = horizon(c);
            try (PreparedStatement ps = c.prepareStatement(query)) {
                ps.setLong(1, fromPosition);
                ps.setLong(2, horizon);
                int next = retention.bind(ps, 3, clock.instant());
                ps.setInt(next, maxCount);
                return readEvents(ps);
            }
        } catch (SQLException e) {
            throw new EventStoreException("reading all events failed: " + e.getMessage(), e);
        }
    }

    /** The position below which every event has settled; must run before, not in, the statement reading rows. */
    private long horizon(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.horizon)) {
            ps.setInt(1, writerKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public OptionalLong streamVersion(String stream) {
        checkStream(stream);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.streamVersion)) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new EventStoreException("reading the version of '" + stream + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong checkpoint(String subscriberId) {
        checkSubscriberId(subscriberId);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.checkpoint)) {
            ps.setString(1, subscriberId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new EventStoreException(
                    "reading the checkpoint of '" + subscriberId + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        StringBuilder where = new StringBuilder("position > ? AND position < ?");
        List<Object> params = new ArrayList<>();
        params.add(query.afterPosition());
        query.stream().ifPresent(s -> {
            where.append(" AND stream = ?");
            params.add(s);
        });
        if (!query.types().isEmpty()) {
            where.append(" AND type = ANY(?)");
            params.add(query.types().toArray(String[]::new));
        }
        query.tenant().ifPresent(t -> {
            where.append(" AND tenant = ?");
            params.add(t);
        });
        query.cluster().ifPresent(t -> {
            where.append(" AND cluster = ?");
            params.add(t);
        });
        query.correlationId().ifPresent(t -> {
            where.append(" AND correlation_id = ?");
            params.add(t);
        });
        // The column keeps microseconds (floored); these bounds are a superset, the exact test follows on the rows.
        query.from().ifPresent(t -> {
            where.append(" AND occurred_at >= ?");
            params.add(OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        });
        query.to().ifPresent(t -> {
            where.append(" AND occurred_at < ?");
            Instant floor = t.truncatedTo(ChronoUnit.MICROS);
            params.add(
                    OffsetDateTime.ofInstant(floor.equals(t) ? t : floor.plus(1, ChronoUnit.MICROS), ZoneOffset.UTC));
        });
        String text = "SELECT " + Sql.EVENT_COLUMNS + " FROM " + sql.schema + ".events WHERE " + where + retention.sql()
                + " ORDER BY position LIMIT ?";
        List<RecordedEvent> rows;
        try (Connection c = dataSource.getConnection()) {
            long horizon = horizon(c);
            try (PreparedStatement ps = c.prepareStatement(text)) {
                int i = 1;
                ps.setLong(i++, (Long) params.get(0));
                ps.setLong(i++, horizon);
                for (Object p : params.subList(1, params.size())) {
                    if (p instanceof String[] array) {
                        ps.setArray(i++, c.createArrayOf("text", array));
                    } else {
                        ps.setObject(i++, p);
                    }
                }
                i = retention.bind(ps, i, clock.instant());
                ps.setInt(i, query.limit() + 1);
                rows = readEvents(ps);
            }
        } catch (SQLException e) {
            throw new EventStoreException("audit query " + query + " failed: " + e.getMessage(), e);
        }
        OptionalLong next = OptionalLong.empty();
        if (rows.size() > query.limit()) {
            rows = rows.subList(0, query.limit());
            next = OptionalLong.of(rows.get(rows.size() - 1).position());
        }
        List<RecordedEvent> page = new ArrayList<>(rows.size());
        for (RecordedEvent r : rows) {
            Instant time = r.event().time();
            if (query.from().map(f -> !time.isBefore(f)).orElse(true)
                    && query.to().map(time::isBefore).orElse(true)) {
                page.add(r);
            }
        }
        return new AuditPage(page, next);
    }

    private List<RecordedEvent> readEvents(PreparedStatement ps) throws SQLException {
        List<RecordedEvent> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long position = rs.getLong(1);
                byte[] bytes = rs.getBytes(5);
                Event<?> event;
                try {
                    event = codec.decodeStructured(bytes);
                } catch (EventDecodingException e) {
                    throw new EventStoreException(
                            "the event at position " + position + " cannot be decoded: " + e.getMessage(), e);
                }
                result.add(new RecordedEvent(
                        rs.getString(2),
                        rs.getLong(3),
                        position,
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        event));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Subscriptions

    @Override
    public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new EventStoreException("the event store is closed", null);
        }
        return subscriptions.subscribe(options, handler);
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.close();
        appendExecutor.shutdown();
        try {
            if (!appendExecutor.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("appends still running after 1 minute; closing the pool under them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (notifier != null) {
            notifier.shutdown();
            try {
                notifier.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (listener != null) {
            listener.close();
        }
        dataSource.close();
    }

    @Override
    public String toString() {
        return "PostgresEventStore{" + config + '}';
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static void checkStream(String stream) {
        StreamNames.requireValid(stream);
    }

    private static void checkSubscriberId(String subscriberId) {
        Objects.requireNonNull(subscriberId, "subscriberId");
        if (subscriberId.isEmpty() || subscriberId.length() > 200) {
            throw new IllegalArgumentException("subscriberId must be 1-200 characters, but was '" + subscriberId + "'");
        }
    }

    private static void checkRead(long from, int maxCount, String name) {
        if (from < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, but was " + from);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1, but was " + maxCount);
        }
    }

    private static long epochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
