package dev.scaleplane.events.postgres.internal;

import dev.scaleplane.api.store.EventStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the store's schema with numbered migrations recorded in {@code <schema>.schema_version}.
 *
 * <p>Every start runs the pending migrations in one transaction that first takes a transaction-level advisory lock
 * for the schema: two processes starting at once serialize there, and the second finds the work done. A failed
 * migration rolls back entirely, so a schema is always at a recorded version. A schema at a version newer than this
 * code knows is refused rather than used, since older code may misread newer tables.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** One step: its version, what it does, and its SQL with {@code ${schema}} for the schema name. */
    record Migration(int version, String description, String sql) {}

    static final List<Migration> ALL = List.of(
            new Migration(
                    1,
                    "events, streams, checkpoints, append functions",
                    """
            CREATE TABLE ${schema}.streams (
                stream text PRIMARY KEY,
                -- the last version ever appended, -1 for none; versions go on after a delete
                version bigint NOT NULL DEFAULT -1,
                deleted boolean NOT NULL DEFAULT false,
                -- the first version reads return: after a delete, the version after the tombstone
                first_version bigint NOT NULL DEFAULT 0
            );

            CREATE TABLE ${schema}.events (
                position bigint PRIMARY KEY,
                stream text NOT NULL,
                version bigint NOT NULL,
                event_id text NOT NULL,
                type text NOT NULL,
                tenant text,
                cluster text,
                correlation_id text,
                occurred_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL,
                -- the CloudEvents JSON event format, UTF-8, exactly as encoded
                data bytea NOT NULL,
                CONSTRAINT events_stream_version UNIQUE (stream, version)
            );
            -- audit queries filter on one of these and page by position
            CREATE INDEX events_type ON ${schema}.events (type, position);
            CREATE INDEX events_tenant ON ${schema}.events (tenant, position) WHERE tenant IS NOT NULL;
            CREATE INDEX events_cluster ON ${schema}.events (cluster, position) WHERE cluster IS NOT NULL;
            CREATE INDEX events_correlation ON ${schema}.events (correlation_id, position)
                WHERE correlation_id IS NOT NULL;
            CREATE INDEX events_occurred_at ON ${schema}.events (occurred_at, position);

            CREATE TABLE ${schema}.checkpoints (
                subscriber_id text PRIMARY KEY,
                position bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );

            -- Checks and advances a stream for an append of p_count events and returns where they go. Runs in the
            -- appending statement's transaction. p_expected: >= 0 exact version, -1 no stream, -2 stream exists,
            -- -3 any. Raises SQLSTATE SP001 (detail: actual version) when the expectation fails and SP002 when
            -- the stream is deleted and the expectation needs it to exist.
            CREATE FUNCTION ${schema}.begin_append(p_stream text, p_expected bigint, p_count int, p_writer_key int)
            RETURNS TABLE (first_version bigint, first_position bigint)
            LANGUAGE plpgsql AS $fn$
            DECLARE
                v_version bigint;
                v_deleted boolean;
                v_first bigint;
                v_exists boolean;
            BEGIN
                -- Appends to one stream take turns on this lock, which needs no transaction id: so an append gets
                -- its id (at its first write, below) only after the previous append to the stream has its own,
                -- and positions grow with versions. A row lock could not do this: waiting for one assigns the id.
                PERFORM pg_advisory_xact_lock(${streamClass}, hashtext('${schema}/' || p_stream));
                -- Mark this transaction as an in-flight writer of the store *before* it gets a transaction id:
                -- readers' horizon() relies on that order.
                PERFORM pg_advisory_xact_lock_shared(${writerClass}, p_writer_key);
                -- The common case in one statement: the expectation holds, advance the stream. Its conditions
                -- mirror the checks below; "exists" means not deleted and version >= first_version.
                UPDATE ${schema}.streams s SET version = s.version + p_count, deleted = false
                    WHERE s.stream = p_stream
                      AND CASE WHEN s.deleted THEN p_expected IN (-1, -3)
                               WHEN p_expected = -3 THEN true
                               WHEN p_expected = -1 THEN s.version < s.first_version
                               WHEN p_expected = -2 THEN s.version >= s.first_version
                               ELSE s.version >= s.first_version AND s.version = p_expected END
                    RETURNING s.version - p_count INTO v_version;
                IF NOT FOUND THEN
                    -- A new stream, or the expectation fails. The stream lock keeps others from creating it now.
                    SELECT s.version, s.deleted, s.first_version INTO v_version, v_deleted, v_first
                        FROM ${schema}.streams s WHERE s.stream = p_stream;
                    IF NOT FOUND THEN
                        IF p_expected = -2 OR p_expected >= 0 THEN
                            RAISE EXCEPTION USING ERRCODE = 'SP001', MESSAGE = 'wrong expected version', DETAIL = -1;
                        END IF;
                        INSERT INTO ${schema}.streams (stream, version) VALUES (p_stream, p_count - 1);
                        v_version := -1;
                    ELSIF v_deleted THEN
                        RAISE EXCEPTION USING ERRCODE = 'SP002', MESSAGE = 'stream deleted', DETAIL = p_stream;
                    ELSE
                        v_exists := v_version >= v_first;
                        RAISE EXCEPTION USING ERRCODE = 'SP001', MESSAGE = 'wrong expected version',
                            DETAIL = CASE WHEN v_exists THEN v_version ELSE -1 END;
                    END IF;
                END IF;
                -- Positions come from the transaction id, see PostgresEventStore.
                RETURN QUERY SELECT v_version + 1, (pg_current_xact_id()::text::bigint) << ${positionBits};
            END
            $fn$;

            -- Tombstones a stream. Same p_expected codes and errors as begin_append.
            CREATE FUNCTION ${schema}.delete_stream(p_stream text, p_expected bigint) RETURNS void
            LANGUAGE plpgsql AS $fn$
            DECLARE
                v_version bigint;
                v_exists boolean;
            BEGIN
                PERFORM pg_advisory_xact_lock(${streamClass}, hashtext('${schema}/' || p_stream));
                SELECT s.version, NOT s.deleted AND s.version >= s.first_version INTO v_version, v_exists
                    FROM ${schema}.streams s WHERE s.stream = p_stream FOR UPDATE;
                v_exists := coalesce(v_exists, false);
                IF (p_expected = -1 AND v_exists) OR (p_expected = -2 AND NOT v_exists)
                        OR (p_expected >= 0 AND (NOT v_exists OR v_version <> p_expected)) THEN
                    RAISE EXCEPTION USING ERRCODE = 'SP001', MESSAGE = 'wrong expected version',
                        DETAIL = CASE WHEN v_exists THEN v_version ELSE -1 END;
                END IF;
                IF v_exists THEN
                    UPDATE ${schema}.streams s SET deleted = true, first_version = v_version + 1
                        WHERE s.stream = p_stream;
                END IF;
            END
            $fn$;

            -- The lowest position that may still be unsettled: every position below it belongs to a finished
            -- transaction. See PostgresEventStore for why this is right. One scan of pg_locks, so that the writer
            -- locks and their transaction id locks are seen at one moment.
            CREATE FUNCTION ${schema}.horizon(p_writer_key int) RETURNS bigint
            LANGUAGE sql STABLE AS $fn$
                WITH snap AS (SELECT pg_current_snapshot() AS s),
                locks AS MATERIALIZED (
                    SELECT l.pid, l.locktype, l.classid, l.objid, l.objsubid, l.transactionid, l.mode, l.database
                    FROM pg_locks l
                    WHERE l.granted AND l.locktype IN ('advisory', 'transactionid')),
                writers AS (
                    SELECT w.pid, (SELECT t.transactionid::text::bigint FROM locks t
                                   WHERE t.pid = w.pid AND t.locktype = 'transactionid'
                                     AND t.mode = 'ExclusiveLock'
                                   LIMIT 1) AS xid32
                    FROM locks w
                    WHERE w.locktype = 'advisory' AND w.classid = ${writerClass}::oid
                      AND w.objid = p_writer_key::oid AND w.objsubid = 2
                      AND w.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))
                SELECT least(
                    pg_snapshot_xmax(snap.s)::text::bigint,
                    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap.s) x
                     WHERE (x::text::bigint & 4294967295) IN (SELECT w.xid32 FROM writers w)),
                    -- a writer whose id is not in the lock table yet: its id is unknown, assume the oldest
                    CASE WHEN EXISTS (SELECT 1 FROM writers w WHERE w.xid32 IS NULL)
                         THEN pg_snapshot_xmin(snap.s)::text::bigint END
                ) << ${positionBits}
                FROM snap
            $fn$;
            """));

    private Migrations() {}

    /** The version this code creates and reads. */
    static int latest() {
        return ALL.get(ALL.size() - 1).version();
    }

    /**
     * Brings the schema to {@link #latest()}, or with {@code migrate == false} only checks that it is there.
     *
     * @throws EventStoreException if a migration fails, or the schema is missing, older (without migrate) or newer
     */
    static void run(Connection connection, String schema, int writerKey, boolean migrate) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                lock.setInt(1, Sql.MIGRATION_LOCK_CLASS);
                lock.setInt(2, writerKey);
                lock.execute();
            }
            int current = currentVersion(connection, schema);
            if (current > latest()) {
                throw new EventStoreException(
                        "schema " + schema + " is at version " + current + ", newer than the " + latest()
                                + " this version of scaleplane-events-postgres knows: upgrade the library",
                        null);
            }
            if (current < latest() && !migrate) {
                throw new EventStoreException(
                        "schema " + schema + " is at version " + current + " but this library needs " + latest()
                                + ": set scaleplane.store.postgres.migrate=true or run the migrations",
                        null);
            }
            if (current < latest()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                st.execute("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version (version int PRIMARY KEY, "
                        + "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                for (Migration m : ALL) {
                    if (m.version() > current) {
                        st.execute(Sql.expand(m.sql(), schema));
                        try (PreparedStatement record = connection.prepareStatement(
                                "INSERT INTO " + schema + ".schema_version (version, description) VALUES (?, ?)")) {
                            record.setInt(1, m.version());
                            record.setString(2, m.description());
                            record.executeUpdate();
                        }
                        log.info("schema {}: applied migration {} ({})", schema, m.version(), m.description());
                    }
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The schema's recorded version, 0 when the schema or its version table does not exist. */
    private static int currentVersion(Connection connection, String schema) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, schema + ".schema_version");
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
        }
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + schema + ".schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
