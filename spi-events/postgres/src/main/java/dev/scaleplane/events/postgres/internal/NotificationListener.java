package dev.scaleplane.events.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for the store's append notifications on one dedicated connection (outside the pool, since it is held for
 * the store's whole life) and turns each batch of them into one call of {@code onAppend}, which wakes the catch-up
 * subscriptions.
 *
 * <p>When the connection breaks it reconnects with backoff; meanwhile subscriptions keep polling at their poll
 * interval, and after reconnecting it signals once, since notifications sent while it was away are lost.
 *
 * <p>Thread-safe; runs on its own daemon thread.
 */
final class NotificationListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
    /** How long one wait for notifications lasts; bounds how late close() notices. */
    private static final int WAIT_MILLIS = 250;

    private final String url;
    private final Properties properties;
    private final String channel;
    private final Runnable onAppend;
    private final Thread thread;
    private volatile boolean closed;
    private volatile @Nullable Connection connection;

    NotificationListener(String url, Properties properties, String channel, Runnable onAppend) {
        this.url = url;
        this.properties = properties;
        this.channel = channel;
        this.onAppend = onAppend;
        this.thread = new Thread(this::run, "scaleplane-pg-listen-" + channel);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long backoffMillis = 100;
        boolean warned = false;
        while (!closed) {
            try (Connection c = new org.postgresql.Driver().connect(url, properties)) {
                if (c == null) {
                    throw new SQLException("the PostgreSQL driver does not accept the URL");
                }
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN \"" + channel + "\"");
                }
                if (warned) {
                    log.info("listening for appends on channel {} again", channel);
                }
                warned = false;
                backoffMillis = 100;
                onAppend.run();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        onAppend.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!warned) {
                    log.warn(
                            "lost the notification connection for channel {}; subscriptions poll until it is back: {}",
                            channel,
                            e.toString());
                    warned = true;
                }
                onAppend.run();
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            } finally {
                connection = null;
            }
        }
    }

    private void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (thread.isAlive() && c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing the notification connection failed", e);
            }
        }
    }
}
