package dev.scaleplane.adapters.vault.internal;

import dev.scaleplane.adapters.http.RunPoller;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code watch} of a Vault instance: reads the metadata of each name ({@code current_version} and the versions
 * kept) on the plumbing's {@link RunPoller}, at {@code interval} with jitter (each delay between half the interval and
 * the interval, so replicas do not poll in step), and reports new versions.
 *
 * <ul>
 *   <li>The baseline is read on the caller's thread before {@code watch} returns: the version each name has then is
 *       not reported. A name without a version yet (not written, or unreadable for the moment) takes the first version
 *       read later as its baseline, as {@code SecretsAdapter#watch} says.
 *   <li>Each later version is reported once, in order per name: two versions written between two polls are two
 *       events ({@code previousVersion} chaining them), from the versions Vault's metadata still lists.
 *   <li>A secret whose metadata was deleted and written anew starts again at version 1: its new version is reported
 *       with the last one seen as {@code previousVersion}. A secret that is gone (404) is skipped until it returns.
 *   <li>A failed read (403, sealed, unreachable) is logged once per streak and retried at the next poll; the watch
 *       goes on. A listener that throws is logged; the watch goes on.
 * </ul>
 *
 * <p>Thread-safe: polls are serialized on this object. Closing stops the poller's threads.
 */
public final class VaultWatch implements AutoCloseable {
    /** The poller's timeout: a watch ends when closed, not on a timer. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.vault");

    private final String instance;
    private final List<String> names;
    private final Function<String, Optional<VaultKv.Metadata>> reader;
    private final Consumer<? super SecretRotated> listener;
    private final Clock clock;
    private final RunPoller poller;
    private final AtomicBoolean firstTick = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    // guarded by this
    private final Map<String, Long> seen = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private volatile @Nullable Runnable onClose;

    VaultWatch(
            String instance,
            List<String> names,
            Duration interval,
            Function<String, Optional<VaultKv.Metadata>> reader,
            Consumer<? super SecretRotated> listener,
            Clock clock,
            DoubleSupplier random) {
        this.instance = instance;
        this.names = List.copyOf(names);
        this.reader = reader;
        this.listener = listener;
        this.clock = clock;
        this.poller = new RunPoller("Vault watch of instance " + instance, interval, interval, random);
    }

    /** Runs {@code action} once when the watch closes. */
    void onClose(Runnable action) {
        onClose = action;
    }

    /** Reads the baseline, then polls until closed. */
    void start() {
        poll();
        poller.await("the watch of " + names, this::tick, stop -> false, FOREVER)
                .whenComplete((r, e) -> {
                    if (e != null && !closed.get()) {
                        LOG.warn("vault ({}) the watch of {} stopped", instance, names, e);
                    }
                });
    }

    /** The poller reads at once; the baseline was just read on the caller's thread, so the first tick is skipped. */
    private Boolean tick() {
        if (!firstTick.getAndSet(false)) {
            poll();
        }
        return Boolean.FALSE;
    }

    /**
     * One poll of every name, on the calling thread: what the poller runs at every interval (and tests run when they
     * choose). Never throws.
     */
    public synchronized void poll() {
        for (String name : names) {
            if (closed.get()) {
                return;
            }
            Optional<VaultKv.Metadata> metadata;
            try {
                metadata = reader.apply(name);
            } catch (RuntimeException e) {
                failed(name, e);
                continue;
            }
            if (failing.remove(name)) {
                LOG.info("vault ({}) watching {} works again", instance, name);
            }
            long current = metadata.map(VaultKv.Metadata::currentVersion).orElse(0L);
            Long previous = seen.get(name);
            if (current <= 0) {
                continue; // nothing written yet, or gone: wait for a version
            }
            if (previous == null) {
                seen.put(name, current); // the baseline
                continue;
            }
            if (current == previous) {
                continue;
            }
            long before = previous;
            for (long version : newVersions(metadata.get(), before, current)) {
                report(new SecretRotated(
                        "vault", instance, name, String.valueOf(version), String.valueOf(before), clock.instant()));
                before = version;
            }
            seen.put(name, current);
        }
    }

    /** The versions after {@code previous} up to {@code current}, in order; just {@code current} after a re-creation. */
    private static List<Long> newVersions(VaultKv.Metadata metadata, long previous, long current) {
        List<Long> out = new ArrayList<>();
        if (current > previous) {
            out.addAll(metadata.versions().subSet(previous, false, current, false));
        }
        out.add(current);
        return out;
    }

    private void report(SecretRotated rotation) {
        try {
            listener.accept(rotation);
        } catch (RuntimeException e) {
            LOG.warn(
                    "vault ({}) the listener of the watch failed on {} version {}",
                    instance,
                    rotation.name(),
                    rotation.version(),
                    e);
        }
    }

    private void failed(String name, RuntimeException e) {
        if (closed.get()) {
            return; // closing interrupts a read in flight: not a failure of the watch
        }
        if (failing.add(name)) {
            LOG.warn("vault ({}) watching {} failed, retrying at every poll: {}", instance, name, e.toString());
        } else {
            LOG.debug("vault ({}) watching {} still fails: {}", instance, name, e.toString());
        }
    }

    /** Stops polling. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            poller.close();
            Runnable action = onClose;
            if (action != null) {
                action.run();
            }
        }
    }

    @Override
    public String toString() {
        return "VaultWatch[" + instance + " " + names + "]";
    }
}
