package dev.scaleplane.adapters.http;

import dev.scaleplane.api.adapters.secrets.SecretRotated;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation watch of a secrets adapter whose system can only be polled (Vault's KV metadata, AWS's {@code
 * DescribeSecret}): the one home of baselines, ordering, failure streaks and scheduling for every such adapter.
 *
 * <ul>
 *   <li>{@link #start} reads the baseline of every name on the caller's thread before it returns: the version each
 *       name has then is not reported. A name without a version yet (not written, or unreadable for the moment) takes
 *       the first version read later as its baseline.
 *   <li>Each later version is reported once, in order per name. Where the reader returns the versions the system
 *       still keeps ({@link Versions#history()}), two versions written between two polls are two events, {@code
 *       previousVersion} chaining them; otherwise one event carries the version current at the poll. A version that
 *       is not in the history after the last one seen (the secret was deleted and written anew) is reported alone,
 *       with the last one seen as {@code previousVersion}.
 *   <li>A failed read (denied, throttled, unreachable) keeps the name's last version and is retried at the next poll;
 *       the first failure of a streak is logged at WARN and its end at INFO, so an outage logs two lines per name. A
 *       listener that throws is logged and the version counts as reported.
 *   <li>Polls run on one daemon thread of the watch, each delay between half the interval and the interval (jitter,
 *       so replicas do not poll in step), one poll at a time.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops polling; a read under way is interrupted and reports nothing.
 */
public final class VersionWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionWatch.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * What one read of a name found: the current version and, where the system says, every version it keeps in the
     * order they were written (the current one last or among them).
     *
     * @param current the current version
     * @param history the versions kept, oldest first; empty when the system tells only the current one
     */
    public record Versions(String current, List<String> history) {
        /** Validates and copies. */
        public Versions {
            Objects.requireNonNull(current, "current");
            history = List.copyOf(history);
        }

        /** Only the current version is known. */
        public static Versions of(String current) {
            return new Versions(current, List.of());
        }

        /** The versions after {@code previous} up to the current one, in order; just the current one if unknown. */
        List<String> since(String previous) {
            int from = history.indexOf(previous);
            int to = history.indexOf(current);
            if (from < 0 || to <= from) {
                return List.of(current);
            }
            return history.subList(from + 1, to + 1);
        }
    }

    /** Reads the versions of one name. */
    @FunctionalInterface
    public interface Reader {
        /**
         * Reads {@code name}'s versions, without its value.
         *
         * @return empty if the name has no version (not written yet, or deleted)
         * @throws RuntimeException the adapter's typed failure; the name is read again at the next poll
         */
        Optional<Versions> read(String name);
    }

    private final String system;
    private final String instance;
    private final List<String> names;
    private final Duration interval;
    private final Reader reader;
    private final Consumer<? super SecretRotated> listener;
    private final Clock clock;
    private final DoubleSupplier random;
    private final ScheduledThreadPoolExecutor scheduler;
    // guarded by this
    private final Map<String, String> seen = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private volatile boolean closed;

    private VersionWatch(
            String system,
            String instance,
            Set<String> names,
            Duration interval,
            Reader reader,
            Consumer<? super SecretRotated> listener,
            Clock clock,
            DoubleSupplier random) {
        this.system = Objects.requireNonNull(system, "system");
        this.instance = Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(interval, "interval");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("watch at least one secret name");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the watch interval must be positive, but was " + interval);
        }
        this.names = List.copyOf(new TreeSet<>(names));
        this.interval = interval;
        this.reader = Objects.requireNonNull(reader, "reader");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        String thread = "scaleplane-watch-" + (system + "-" + instance).replaceAll("[^A-Za-z0-9_.-]+", "-") + "-";
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, thread + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Reads the baseline of every name, then polls every {@code interval} (jittered) until closed.
     *
     * @param system the system, for events and logs, e.g. {@code vault}
     * @param instance the adapter instance
     * @param names the names watched, at least one
     * @param interval the longest delay between two polls, positive
     * @param reader reads one name's versions
     * @param listener gets each {@link SecretRotated}, on the watch's thread
     * @param random the jitter source, values in [0, 1); tests pass a constant
     * @throws IllegalArgumentException if {@code names} is empty or {@code interval} is not positive
     */
    public static VersionWatch start(
            String system,
            String instance,
            Set<String> names,
            Duration interval,
            Reader reader,
            Consumer<? super SecretRotated> listener,
            Clock clock,
            DoubleSupplier random) {
        VersionWatch watch = new VersionWatch(system, instance, names, interval, reader, listener, clock, random);
        watch.poll();
        watch.scheduleNext();
        return watch;
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        long half = interval.toNanos() / 2;
        long delay = Math.max(1, half + (long) (random.getAsDouble() * (interval.toNanos() - half)));
        try {
            scheduler.schedule(
                    () -> {
                        poll();
                        scheduleNext();
                    },
                    delay,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** One poll of every name on the calling thread: what the watch runs at each interval. Never throws. */
    public synchronized void poll() {
        for (String name : names) {
            if (closed || Thread.currentThread().isInterrupted()) {
                return;
            }
            Optional<Versions> read;
            try {
                read = reader.read(name);
            } catch (RuntimeException e) {
                failed(name, e);
                continue;
            }
            if (failing.remove(name)) {
                LOG.info("{} ({}) watching {} works again", system, instance, name);
            }
            if (read.isEmpty()) {
                continue; // nothing written yet, or gone: wait for a version
            }
            Versions versions = read.get();
            String previous = seen.get(name);
            if (previous == null) {
                seen.put(name, versions.current()); // the baseline
                continue;
            }
            if (previous.equals(versions.current())) {
                continue;
            }
            String before = previous;
            for (String version : versions.since(previous)) {
                if (closed) {
                    return;
                }
                report(new SecretRotated(system, instance, name, version, before, clock.instant()));
                before = version;
            }
            seen.put(name, versions.current());
        }
    }

    private void report(SecretRotated rotation) {
        try {
            listener.accept(rotation);
        } catch (RuntimeException e) {
            LOG.warn(
                    "{} ({}) the rotation listener failed on {} version {}",
                    system,
                    instance,
                    rotation.name(),
                    rotation.version(),
                    e);
        }
    }

    private void failed(String name, RuntimeException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
            return; // closing interrupts a read in flight: not a failure of the watch
        }
        if (failing.add(name)) {
            LOG.warn("{} ({}) watching {} failed, retrying at every poll: {}", system, instance, name, e.getMessage());
        } else {
            LOG.debug("{} ({}) watching {} still fails: {}", system, instance, name, e.getMessage());
        }
    }

    /** The names watched, sorted. */
    public List<String> names() {
        return names;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Stops polling. Idempotent. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "VersionWatch[" + system + " " + instance + " " + names + " every " + interval + "]";
    }
}
