package dev.scaleplane.events.postgres.internal;

/**
 * SQL text of the store's statements for one schema, built once per store. The schema name is validated by
 * {@link dev.scaleplane.events.postgres.PostgresStoreConfig} (lower-case letters, digits, {@code _}), so it can be
 * written into statements unquoted.
 */
final class Sql {
    /** First key of the shared advisory lock every appending transaction holds (ASCII "SPWR"). */
    static final int WRITER_LOCK_CLASS = 0x53505752;
    /** First key of the advisory locks that make appends to one stream take turns (ASCII "SPST"). */
    static final int STREAM_LOCK_CLASS = 0x53505354;
    /** First key of the advisory lock that serializes migrations (ASCII "SPMG"). */
    static final int MIGRATION_LOCK_CLASS = 0x53504D47;
    /** Low bits of a position that number the events of one transaction: at most 2^20 events per append. */
    static final int POSITION_BITS = 20;
    /** Most events one append may carry. */
    static final int MAX_EVENTS_PER_APPEND = 1 << POSITION_BITS;

    /** SQLSTATE raised by the functions when an expected version does not hold; the detail is the actual version. */
    static final String WRONG_EXPECTED_VERSION = "SP001";
    /** SQLSTATE raised when appending to a deleted stream with an expectation that needs it to exist. */
    static final String STREAM_DELETED = "SP002";

    static final String EVENT_COLUMNS = "position, stream, version, recorded_at, data";

    final String schema;
    final String channel;
    final String append;
    final String deleteStream;
    final String horizon;
    final String streamVersion;
    final String readStreamForward;
    final String readStreamBackward;
    final String readAllForward;
    final String readAllBackward;
    final String checkpoint;
    final String storeCheckpoint;
    final String notify;

    /**
     * @param retention a condition on {@code events} rows (with parameters bound by the store after the others), or
     *     empty: added to every read so that events beyond retention disappear from all of them
     */
    Sql(String schema, String retention) {
        this.schema = schema;
        this.channel = schema + "_appended";
        String s = schema + ".";
        // One statement, so with auto-commit it is one round trip and one transaction: begin_append checks and
        // locks the stream and hands out versions and positions, the insert writes every event from arrays.
        this.append = "WITH a AS MATERIALIZED (SELECT * FROM " + s + "begin_append(?, ?, ?, ?)), "
                + "ins AS (INSERT INTO " + s + "events (position, stream, version, event_id, type, tenant, cluster, "
                + "correlation_id, occurred_at, recorded_at, data) "
                + "SELECT a.first_position + e.i - 1, ?, a.first_version + e.i - 1, e.id, e.type, e.tenant, "
                + "e.cluster, e.corr, timestamptz 'epoch' + e.micros * interval '1 microsecond', ?, e.data "
                + "FROM a, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::bytea[]) "
                + "WITH ORDINALITY AS e(id, type, tenant, cluster, corr, micros, data, i)) "
                + "SELECT a.first_version, a.first_position FROM a";
        this.deleteStream = "SELECT " + s + "delete_stream(?, ?)";
        this.horizon = "SELECT " + s + "horizon(?)";
        this.streamVersion = "SELECT version FROM " + s + "streams WHERE stream = ? AND NOT deleted "
                + "AND version >= first_version";
        // Stream reads need no horizon: versions of one stream are handed out under its row lock, in commit order.
        String visible = "(SELECT first_version FROM " + s + "streams WHERE stream = ? AND NOT deleted)";
        this.readStreamForward = "SELECT " + EVENT_COLUMNS + " FROM " + s + "events WHERE stream = ? AND version >= ? "
                + "AND version >= " + visible + retention + " ORDER BY version LIMIT ?";
        this.readStreamBackward = "SELECT " + EVENT_COLUMNS + " FROM " + s + "events WHERE stream = ? AND version <= ? "
                + "AND version >= " + visible + retention + " ORDER BY version DESC LIMIT ?";
        this.readAllForward = "SELECT " + EVENT_COLUMNS + " FROM " + s + "events WHERE position >= ? "
                + "AND position < ?" + retention + " ORDER BY position LIMIT ?";
        this.readAllBackward = "SELECT " + EVENT_COLUMNS + " FROM " + s + "events WHERE position <= ? "
                + "AND position < ?" + retention + " ORDER BY position DESC LIMIT ?";
        this.checkpoint = "SELECT position FROM " + s + "checkpoints WHERE subscriber_id = ?";
        this.storeCheckpoint = "INSERT INTO " + s + "checkpoints (subscriber_id, position) VALUES (?, ?) "
                + "ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position, updated_at = now()";
        this.notify = "SELECT pg_notify(?, '')";
    }

    /** Fills in a migration's placeholders. */
    static String expand(String sql, String schema) {
        return sql.replace("${schema}", schema)
                .replace("${writerClass}", Integer.toString(WRITER_LOCK_CLASS))
                .replace("${streamClass}", Integer.toString(STREAM_LOCK_CLASS))
                .replace("${positionBits}", Integer.toString(POSITION_BITS));
    }

    /** The second advisory lock key of a schema: non-negative, so that it compares equal as an {@code oid}. */
    static int lockKey(String schema) {
        return schema.hashCode() & 0x7fffffff;
    }
}
