package dev.scaleplane.events.postgres.internal;

import dev.scaleplane.core.store.RetentionPolicy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link RetentionPolicy} as a condition on {@code events} rows, applied when reading rather than by deleting,
 * so that retention follows the store's clock exactly and needs no background job. Per rule:
 * {@code NOT (category = ? AND (version <= last version - max-count OR recorded_at <= now - max-age))}, where the
 * category is the part of the stream name before the first {@code -} as {@code StreamNames.category} defines it.
 *
 * <p>Immutable and thread-safe.
 */
final class RetentionFilter {
    private final List<Map.Entry<String, RetentionPolicy.Rule>> rules;
    private final String sql;

    RetentionFilter(RetentionPolicy policy, String schema) {
        this.rules = List.copyOf(new TreeMap<>(policy.rules()).entrySet());
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, RetentionPolicy.Rule> entry : rules) {
            RetentionPolicy.Rule rule = entry.getValue();
            b.append(" AND NOT (split_part(events.stream, '-', 1) = ? AND (");
            if (rule.maxCount() > 0) {
                b.append("events.version <= (SELECT st.version FROM ")
                        .append(schema)
                        .append(".streams st WHERE st.stream = events.stream) - ")
                        .append(rule.maxCount());
            }
            if (rule.maxAge() != null) {
                b.append(rule.maxCount() > 0 ? " OR " : "").append("events.recorded_at <= ?");
            }
            b.append("))");
        }
        this.sql = b.toString();
    }

    /** The condition, starting with {@code AND}, or empty when there is no rule. */
    String sql() {
        return sql;
    }

    /**
     * Binds the condition's parameters from {@code index} on.
     *
     * @return the next parameter index
     */
    int bind(PreparedStatement ps, int index, Instant now) throws SQLException {
        int i = index;
        for (Map.Entry<String, RetentionPolicy.Rule> entry : rules) {
            ps.setString(i++, entry.getKey());
            var maxAge = entry.getValue().maxAge();
            if (maxAge != null) {
                // recorded_at holds whole microseconds, so flooring the cutoff keeps "recorded <= cutoff" exact.
                Instant cutoff = now.minus(maxAge).truncatedTo(ChronoUnit.MICROS);
                ps.setObject(i++, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            }
        }
        return i;
    }
}
