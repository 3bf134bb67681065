package dev.scaleplane.adapters.webhooks.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected deliveries at WARN, at most one line per endpoint and kind of rejection every {@link #INTERVAL}, with
 * the count of those held back: a misconfigured sender or someone probing the endpoint must not flood the log. Callers
 * pass reasons built from header names and sizes only, never a header's value, a secret or a signature. Thread-safe.
 */
public final class RejectionLog {
    /** The shortest time between two lines for one endpoint and kind. */
    public static final Duration INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.webhooks");

    private record Window(Instant start, int heldBack) {}

    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** A log on {@code clock}. */
    public RejectionLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a rejection and logs it unless one of the same endpoint and status was logged less than {@link
     * #INTERVAL} ago.
     */
    public void rejected(String endpoint, int status, String reason) {
        Instant now = clock.instant();
        Window[] previous = new Window[1];
        Window current = windows.compute(endpoint + " " + status, (k, w) -> {
            previous[0] = w;
            if (w == null || !now.isBefore(w.start().plus(INTERVAL))) {
                return new Window(now, 0);
            }
            return new Window(w.start(), w.heldBack() + 1);
        });
        if (current.heldBack() == 0) {
            int heldBack = previous[0] == null ? 0 : previous[0].heldBack();
            LOG.warn(
                    "webhook endpoint {} answered {}: {}{}",
                    endpoint,
                    status,
                    reason,
                    heldBack > 0
                            ? " (" + heldBack + " similar rejections not logged in the last " + INTERVAL.toSeconds()
                                    + " s)"
                            : "");
        }
    }
}
