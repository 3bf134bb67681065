package dev.scaleplane.events.postgres.internal;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.events.postgres.PostgresStoreConfig;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a failure to open the first connection into a {@link BackendUnreachableException} that names the server's
 * address, the database, the user (never the password) and the keys to fix: the credentials' keys when the server
 * refused the login, else the URL's. Stateless.
 */
final class ConnectFailure {
    /** What errors call the server. */
    static final String SYSTEM = "PostgreSQL server";

    /** host[:port] and the database of a {@code jdbc:postgresql://} URL (first host of a list). */
    private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^/,?]*)[^/?]*/?([^?]*)");

    private ConnectFailure() {}

    static BackendUnreachableException of(PostgresStoreConfig config, Throwable e) {
        String address = PostgresStoreConfig.redactUrl(config.url());
        String database = "(default)";
        Matcher m = URL.matcher(config.url());
        if (m.find()) {
            address = m.group(1).contains(":") || m.group(1).startsWith("[") ? m.group(1) : m.group(1) + ":5432";
            database = m.group(2).isEmpty() ? database : m.group(2);
        }
        String user = config.user().orElse("(from the URL or the driver's default)");
        String at = " (database " + database + ", user " + user + ")";
        SQLException sql = find(e, SQLException.class);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        String detail = sql != null && sql.getMessage() != null ? sql.getMessage() : rootMessage(e);
        // 28P01: wrong password; 28000: no such role or not allowed by pg_hba.conf.
        if (state.startsWith("28")) {
            return new BackendUnreachableException(
                    SYSTEM,
                    address,
                    PostgresStoreConfig.USER + ", " + PostgresStoreConfig.PASSWORD,
                    "refused the login of user '" + user + "' to database " + database
                            + ": the user name or password is wrong, or the user may not connect (" + detail + ")",
                    e);
        }
        String problem;
        if (find(e, UnknownHostException.class) != null) {
            problem = "is unreachable: unknown host";
        } else if (state.equals("3D000")) {
            problem = "has no database " + database;
        } else {
            problem = "is unreachable: " + detail;
        }
        return new BackendUnreachableException(SYSTEM, address, PostgresStoreConfig.URL, problem + at, e);
    }

    private static <T extends Throwable> @Nullable T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
