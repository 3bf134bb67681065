package dev.scaleplane.events.kubernetes.internal;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventList;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A list-then-watch of events.k8s.io/v1 Events that keeps going: the one watch loop of the source and the bus.
 *
 * <ul>
 *   <li><b>Start.</b> Lists the selected Events, hands them to the listener only when asked ({@code deliverExisting}),
 *       and watches from the list's resourceVersion, so nothing created after the list is missed.
 *   <li><b>Disconnect.</b> fabric8 reconnects a dropped watch itself from the last resourceVersion it received. When
 *       it gives up ({@link Watcher#onClose(WatcherException)} with another cause), this class watches again from the
 *       last resourceVersion the listener saw, after a backoff delay of the reconnect policy.
 *   <li><b>410 Gone.</b> The apiserver no longer has history from that resourceVersion (events are compacted
 *       quickly): the selection is listed again, every listed Event is handed over with {@code relisted = true}
 *       (the listener de-duplicates; see the source's and bus's uid windows), and the watch resumes from the new
 *       list's resourceVersion.
 * </ul>
 *
 * <p>Listed Events are handed over in resourceVersion order ({@link Limits#order(String)}), watched ones as they come.
 * The listener is called on fabric8's watch thread or this class's scheduler, one call at a time.
 *
 * <p>Thread-safe. {@link #close()} stops the watch and every scheduled restart.
 */
public final class ResumableWatch implements AutoCloseable {

    /** Receives the selected Events. */
    public interface Listener {
        /**
         * An Event was added or changed ({@code relisted = false}) or was found by a list ({@code relisted = true}).
         * Must not block for long: it runs on the watch thread.
         */
        void observed(Event event, boolean relisted);

        /**
         * An Event that existed when the watch started and is not to be handed over: remember it as seen. A watch
         * may report such Events again as ADDED (the apiserver does when it cannot start at the list's
         * resourceVersion, and so does the fabric8 mock), and the listener's de-duplication must know them.
         */
        void baseline(Event event);
    }

    private final String what;
    private final FilterWatchListDeletable<Event, EventList, Resource<Event>> selection;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final RetryPolicy reconnect;
    private final RateLimitedLog log;
    private final Object lock = new Object();
    private final AtomicLong relists = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile @Nullable String lastResourceVersion;
    private volatile boolean watching;
    private volatile boolean closed;
    private @Nullable Watch watch; // guarded by lock
    private int failuresInARow; // guarded by lock

    /**
     * @param what names the selection in logs, e.g. {@code "Events in cluster ams-1"}
     * @param selection the Events to list and watch (namespace and label selector applied)
     * @param listener receives them
     * @param scheduler runs restarts
     * @param reconnect delays between restart attempts ({@link RetryPolicy#delayBefore}); attempts never run out
     * @param log rate-limited log for failures
     */
    public ResumableWatch(
            String what,
            FilterWatchListDeletable<Event, EventList, Resource<Event>> selection,
            Listener listener,
            ScheduledExecutorService scheduler,
            RetryPolicy reconnect,
            RateLimitedLog log) {
        this.what = Objects.requireNonNull(what, "what");
        this.selection = Objects.requireNonNull(selection, "selection");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Lists and starts watching now, on the calling thread.
     *
     * @param deliverExisting whether Events that exist already are handed to the listener
     * @throws KubernetesClientException if the apiserver cannot be reached or refuses the list or the watch
     */
    public void start(boolean deliverExisting) {
        synchronized (lock) {
            list(deliverExisting);
            watchFrom(lastResourceVersion);
        }
    }

    /** Starts in the background, retrying with the reconnect policy's delays until it works or the watch is closed. */
    public void startInBackground(boolean deliverExisting) {
        scheduler.execute(() -> restart(deliverExisting, deliverExisting));
    }

    /** Whether a watch is open (fabric8 may be reconnecting it). */
    public boolean isWatching() {
        return watching;
    }

    /** How many times the selection was listed again after a 410 Gone. */
    public long relists() {
        return relists.get();
    }

    /** How many times the watch was started again after fabric8 gave up on it. */
    public long restarts() {
        return restarts.get();
    }

    /** The last resourceVersion seen, or {@code null} before the first list. */
    public @Nullable String lastResourceVersion() {
        return lastResourceVersion;
    }

    private void list(boolean deliver) {
        EventList list = selection.list();
        List<Event> items = new ArrayList<>(list.getItems() == null ? List.of() : list.getItems());
        items.sort(Comparator.comparingLong(e -> Limits.order(e.getMetadata().getResourceVersion())));
        for (Event e : items) {
            if (deliver) {
                listener.observed(e, true);
            } else {
                listener.baseline(e);
            }
        }
        lastResourceVersion = list.getMetadata() != null ? list.getMetadata().getResourceVersion() : null;
    }

    private void watchFrom(@Nullable String resourceVersion) {
        ListOptionsBuilder options = new ListOptionsBuilder().withAllowWatchBookmarks(true);
        if (resourceVersion != null) {
            options.withResourceVersion(resourceVersion);
        }
        Watch previous = watch;
        if (previous != null) {
            previous.close();
        }
        watch = selection.watch(options.build(), new Watcher<Event>() {
            @Override
            public void eventReceived(Action action, Event event) {
                if (closed) {
                    return;
                }
                String rv = event.getMetadata() != null ? event.getMetadata().getResourceVersion() : null;
                if (rv != null) {
                    lastResourceVersion = rv;
                }
                if (action == Action.ADDED || action == Action.MODIFIED) {
                    listener.observed(event, false);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                watching = false;
                if (closed) {
                    return;
                }
                boolean gone = cause.isHttpGone();
                log.warn(
                        what + (gone ? "/gone" : "/closed"),
                        "watch of {} ended ({}); {}",
                        what,
                        cause.getMessage(),
                        gone ? "listing again" : "resuming from resourceVersion " + lastResourceVersion);
                if (gone) {
                    relists.incrementAndGet();
                } else {
                    restarts.incrementAndGet();
                }
                scheduler.execute(() -> restart(gone, true));
            }

            @Override
            public void onClose() {
                watching = false;
            }
        });
        watching = true;
    }

    private void restart(boolean relist, boolean deliver) {
        if (closed) {
            return;
        }
        synchronized (lock) {
            try {
                if (relist || lastResourceVersion == null) {
                    list(deliver);
                }
                watchFrom(lastResourceVersion);
                failuresInARow = 0;
            } catch (KubernetesClientException e) {
                boolean gone = e.getCode() == HttpURLConnection.HTTP_GONE;
                if (gone) {
                    relists.incrementAndGet();
                }
                int failures = ++failuresInARow;
                long delayNanos = reconnect
                        .delayBefore(
                                Math.min(failures, 30),
                                ThreadLocalRandom.current().nextDouble())
                        .toNanos();
                log.warn(
                        what + "/restart",
                        "cannot watch {} ({}, attempt {}); trying again in {} ms",
                        what,
                        e.getMessage(),
                        failures,
                        TimeUnit.NANOSECONDS.toMillis(delayNanos));
                if (!closed) {
                    scheduler.schedule(() -> restart(relist || gone, deliver), delayNanos, TimeUnit.NANOSECONDS);
                }
            } catch (RuntimeException e) {
                log.warn(what + "/restart", "watch of {} failed unexpectedly; trying again", what, e);
                if (!closed) {
                    scheduler.schedule(() -> restart(true, deliver), 1, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            Watch w = watch;
            watch = null;
            watching = false;
            if (w != null) {
                w.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ResumableWatch{" + what + ", watching=" + watching + ", resourceVersion=" + lastResourceVersion
                + ", relists=" + relists + ", restarts=" + restarts + '}';
    }
}
