package dev.scaleplane.core.adapters;

import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through cache in front of any {@link SecretsAdapter}: reads of a secret are served from memory while fresh,
 * so an application that reads its database password on every connection does not call Vault or AWS (which bills per
 * call and rate-limits) every time. It is itself a {@code SecretsAdapter}, so code that reads secrets does not know
 * whether a cache is there.
 *
 * <pre>{@code
 * SecretsAdapter secrets = SecretsCache.builder(vault)
 *         .ttl(Duration.ofMinutes(5))
 *         .refreshAhead(Duration.ofMinutes(1))
 *         .staleIfError(Duration.ofMinutes(10))
 *         .meterRegistry(registry)
 *         .build();
 * }</pre>
 *
 * A platform applies it to a secrets instance by configuration ({@code scaleplane.adapters.<instance>.cache.enabled
 * = true}, with {@code cache.ttl}, {@code cache.refresh-ahead}, {@code cache.stale-if-error}, {@code
 * cache.max-entries}).
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>What is cached</b>: {@link #get(String, SecretSelector)}, per name and selector. {@link #list}, {@link
 *       #put} and {@link #watch} go to the adapter every time.
 *   <li><b>TTL</b>: an entry for the latest version or a stage is fresh for {@link Builder#ttl} after its load
 *       started; a read of a fresh entry is a hit and calls nothing. A read of a missing or expired entry loads it
 *       from the adapter on the reading thread.
 *   <li><b>Version pinning</b>: an entry for a pinned version ({@link SecretSelector#version}) never expires, since a
 *       version never changes; it leaves the cache only by {@link #invalidate}, a rotation or put of its name, or
 *       eviction by size.
 *   <li><b>One load per entry</b>: readers of an entry that is being loaded wait for that load instead of starting
 *       their own, so many threads reading one cold name cause one call to the system.
 *   <li><b>Refresh ahead</b>: a hit within {@link Builder#refreshAhead} of the entry's expiry starts one reload in the
 *       background (on {@link Builder#executor}) and returns the cached version at once; when the reload succeeds the
 *       entry is fresh for another TTL and no reader ever waits for the system. A failed background reload counts as
 *       a refresh failure and leaves the entry as it was.
 *   <li><b>Stale-if-error</b>: when an expired entry cannot be reloaded because the system is unavailable ({@link
 *       AdapterUnavailableException}: 5xx, timeout, open circuit) or rate-limited ({@link
 *       AdapterRateLimitedException}), the last version is served for at most {@link Builder#staleIfError} past its
 *       expiry, counted and logged; after that the failure goes to the caller. Other failures are never hidden: a
 *       refused credential ({@code AdapterAuthenticationException}) means access was taken away, and a missing secret
 *       ({@link AdapterNotFoundException}) was deleted, which also drops its entries.
 *   <li><b>Rotation</b>: a rotation reported by a watch started through this cache, and a {@link #put} through it,
 *       drop every entry of the name (before the watch's listener hears of it), so the next read loads the new
 *       version. A load that was in flight when the name was dropped still answers its readers but is not kept.
 *   <li><b>Size</b>: at most {@link Builder#maxEntries} entries; the least recently read goes first.
 * </ul>
 *
 * <h2>Metrics</h2>
 *
 * Counters {@value #HITS}, {@value #MISSES}, {@value #LOADS} (calls to the system, in the foreground or background),
 * {@value #REFRESH_FAILURES} (failed reloads of a cached entry, in the background or after expiry), {@value #STALE}
 * (reads served stale), and the gauge {@value #SIZE}, tagged {@code system} and {@code instance} only. Secret names
 * are deliberately not a tag: their number is unbounded (per tenant, per service, generated paths), which would grow
 * the metrics backend's series without bound, and they describe the secrets' layout to everyone who can read the
 * dashboards, usually a wider audience than those allowed to list the secrets system. Per-name facts go to the log,
 * rate-limited.
 *
 * <h2>Secrets</h2>
 *
 * Values are held in memory only, as the adapter returned them ({@link Secret} never shows itself), never logged and
 * never in a message; {@link #toString()} names the instance and settings only. {@link #close()} drops every entry.
 *
 * <p>Thread-safe.
 */
public final class SecretsCache implements SecretsAdapter {
    private static final Logger log = LoggerFactory.getLogger(SecretsCache.class);

    /** Counter: reads served from a fresh entry. */
    public static final String HITS = "scaleplane.secrets.cache.hits";
    /** Counter: reads that found no fresh entry and waited for a load. */
    public static final String MISSES = "scaleplane.secrets.cache.misses";
    /** Counter: reads of the secrets system made by the cache. */
    public static final String LOADS = "scaleplane.secrets.cache.loads";
    /** Counter: failed reloads of a cached entry (in the background, or after it expired). */
    public static final String REFRESH_FAILURES = "scaleplane.secrets.cache.refresh.failures";
    /** Counter: reads answered with an expired entry because the system failed (stale-if-error). */
    public static final String STALE = "scaleplane.secrets.cache.stale";
    /** Gauge: entries held. */
    public static final String SIZE = "scaleplane.secrets.cache.size";

    /** Default of {@link Builder#ttl}: 5 minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** Default of {@link Builder#maxEntries}: {@value}. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Key(String name, SecretSelector selector) {}

    /**
     * A cached version.
     *
     * @param expiresAt null for a pinned version
     * @param refreshAt from when a hit starts a background reload; null when there is no refresh ahead
     */
    private record Entry(SecretVersion value, @Nullable Instant expiresAt, @Nullable Instant refreshAt) {
        boolean freshAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }

        boolean refreshDueAt(Instant now) {
            return refreshAt != null && !now.isBefore(refreshAt);
        }
    }

    /** A load to wait for; the owner runs it. {@code generation} is only meaningful to the owner. */
    private record Load(CompletableFuture<SecretVersion> future, boolean owner, long generation) {}

    private final SecretsAdapter delegate;
    private final Duration ttl;
    private final Duration refreshAhead;
    private final Duration staleIfError;
    private final int maxEntries;
    private final Clock clock;
    private final Executor executor;
    private final @Nullable ExecutorService ownedExecutor;
    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Counter loads;
    private final Counter refreshFailures;
    private final Counter stale;
    private final Gauge size;
    private final RateLimitedLog rateLimitedLog;

    /** Least recently read first; guarded by itself, as are {@link #generation} and {@link #closed}. */
    private final LinkedHashMap<Key, Entry> entries;

    /** Bumped by every invalidation, so that a load started before it is not kept. Guarded by {@link #entries}. */
    private long generation;

    private boolean closed; // guarded by entries

    private final Map<Key, CompletableFuture<SecretVersion>> inflight = new ConcurrentHashMap<>();

    private SecretsCache(Builder b, Duration refreshAhead) {
        this.delegate = b.delegate;
        this.ttl = b.ttl;
        this.refreshAhead = refreshAhead;
        this.staleIfError = b.staleIfError;
        this.maxEntries = b.maxEntries;
        this.clock = b.clock;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            // At most one thread, and none while idle: refreshes are rare and short.
            String threadName = "scaleplane-secrets-cache-" + delegate.name();
            ThreadPoolExecutor pool =
                    new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    });
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > SecretsCache.this.maxEntries;
            }
        };
        this.registry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        Tags tags = Tags.of("system", delegate.system(), "instance", delegate.name());
        this.hits = counter(HITS, "Secret reads served from a fresh cache entry", tags);
        this.misses = counter(MISSES, "Secret reads that found no fresh cache entry", tags);
        this.loads = counter(LOADS, "Reads of the secrets system made by the cache", tags);
        this.refreshFailures = counter(REFRESH_FAILURES, "Failed reloads of a cached secret", tags);
        this.stale = counter(STALE, "Secret reads answered with an expired entry because the system failed", tags);
        this.size = Gauge.builder(SIZE, this, SecretsCache::size)
                .description("Secrets held by the cache")
                .tags(tags)
                .register(registry);
        this.rateLimitedLog = new RateLimitedLog(log, Duration.ofMinutes(1), clock);
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** A builder of a cache in front of {@code delegate}, with the defaults documented on each setter. */
    public static Builder builder(SecretsAdapter delegate) {
        return new Builder(delegate);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String system() {
        return delegate.system();
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return delegate.capabilities();
    }

    /**
     * The version {@code selector} picks, from the cache while fresh, else from the adapter, as the class
     * documentation describes.
     *
     * @throws IllegalStateException if the cache is closed
     * @throws dev.scaleplane.api.adapters.AdapterException as the adapter throws it, unless stale-if-error applies
     */
    @Override
    public SecretVersion get(String name, SecretSelector selector) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selector, "selector");
        Key key = new Key(name, selector);
        Instant now = clock.instant();
        Entry entry;
        synchronized (entries) {
            checkOpen();
            entry = entries.get(key);
        }
        if (entry != null && entry.freshAt(now)) {
            hits.increment();
            if (entry.refreshDueAt(now)) {
                refreshInBackground(key);
            }
            return entry.value();
        }
        misses.increment();
        Load load = begin(key);
        if (load.owner()) {
            run(key, load);
        }
        try {
            return load.future().join();
        } catch (CompletionException | CancellationException e) {
            return staleOrThrow(key, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The load of {@code key} in flight, or a new one that the caller must run. */
    private Load begin(Key key) {
        long gen;
        synchronized (entries) {
            gen = generation;
        }
        CompletableFuture<SecretVersion> mine = new CompletableFuture<>();
        CompletableFuture<SecretVersion> running = inflight.putIfAbsent(key, mine);
        return running != null ? new Load(running, false, gen) : new Load(mine, true, gen);
    }

    /** Reads {@code key} from the adapter, keeps it unless invalidated meanwhile, and completes the load. */
    private void run(Key key, Load load) {
        loads.increment();
        Instant started = clock.instant();
        try {
            SecretVersion value =
                    Objects.requireNonNull(delegate.get(key.name(), key.selector()), "the adapter returned no version");
            synchronized (entries) {
                if (!closed && generation == load.generation()) {
                    entries.put(key, entryOf(key, value, started));
                }
            }
            inflight.remove(key, load.future());
            load.future().complete(value);
        } catch (Throwable t) {
            boolean cached;
            synchronized (entries) {
                cached = entries.containsKey(key);
                if (t instanceof AdapterNotFoundException) {
                    entries.keySet().removeIf(k -> k.name().equals(key.name()));
                }
            }
            if (cached) {
                refreshFailures.increment();
            }
            inflight.remove(key, load.future());
            load.future().completeExceptionally(t);
        }
    }

    private Entry entryOf(Key key, SecretVersion value, Instant loadedAt) {
        if (key.selector().version() != null) {
            return new Entry(value, null, null); // a version never changes
        }
        Instant expiresAt = loadedAt.plus(ttl);
        return new Entry(value, expiresAt, refreshAhead.isZero() ? null : expiresAt.minus(refreshAhead));
    }

    /** Starts one background reload of {@code key} unless one is in flight. */
    private void refreshInBackground(Key key) {
        Load load = begin(key);
        if (!load.owner()) {
            return;
        }
        Runnable refresh = () -> {
            run(key, load);
            load.future().whenComplete((v, failure) -> {
                if (failure != null) {
                    rateLimitedLog.warn(
                            "refresh:" + key.name(),
                            "secrets cache of {} ({}): refreshing secret {} in the background failed; the cached"
                                    + " version is served until it expires: {}",
                            delegate.name(),
                            delegate.system(),
                            key.name(),
                            failure.toString());
                }
            });
        };
        try {
            executor.execute(refresh);
        } catch (RejectedExecutionException e) {
            // An executor that refuses work (closed, saturated) must not leave the load pending forever.
            refresh.run();
        }
    }

    /** After a failed load: the last version if stale-if-error allows it, else the failure. */
    private SecretVersion staleOrThrow(Key key, Throwable failure) {
        Instant now = clock.instant();
        Entry last;
        synchronized (entries) {
            last = entries.get(key);
        }
        if (last != null && last.freshAt(now)) {
            return last.value(); // another reader's load has since succeeded
        }
        if (last != null && last.expiresAt() != null) {
            boolean systemFailure =
                    failure instanceof AdapterUnavailableException || failure instanceof AdapterRateLimitedException;
            if (systemFailure && now.isBefore(last.expiresAt().plus(staleIfError))) {
                stale.increment();
                rateLimitedLog.warn(
                        "stale:" + key.name(),
                        "secrets cache of {} ({}): serving secret {} version {} stale, expired at {} and kept until"
                                + " {} while the system fails: {}",
                        delegate.name(),
                        delegate.system(),
                        key.name(),
                        last.value().version(),
                        last.expiresAt(),
                        last.expiresAt().plus(staleIfError),
                        failure.toString());
                return last.value();
            }
            synchronized (entries) {
                entries.remove(key, last); // past its use: do not keep the value around
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("reading secret " + key.name() + " failed", failure);
    }

    /** Not cached: every call lists from the adapter. */
    @Override
    public Stream<String> list(String path) {
        return delegate.list(path);
    }

    /** Writes through the adapter, then drops every cached entry of {@code name} (also if the write failed). */
    @Override
    public SecretVersion put(String name, Map<String, Secret> data) {
        Objects.requireNonNull(name, "name");
        try {
            return delegate.put(name, data);
        } finally {
            invalidate(name);
        }
    }

    /**
     * Watches through the adapter; each rotation first drops the cached entries of its name, then reaches {@code
     * listener}.
     */
    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Objects.requireNonNull(listener, "listener");
        return delegate.watch(names, interval, rotation -> {
            invalidate(rotation.name());
            listener.accept(rotation);
        });
    }

    /** Drops every cached entry of secret {@code name} (every selector); the next read loads it. */
    public void invalidate(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (entries) {
            generation++;
            entries.keySet().removeIf(k -> k.name().equals(name));
        }
        inflight.keySet().removeIf(k -> k.name().equals(name));
    }

    /** Drops every cached entry. */
    public void invalidateAll() {
        synchronized (entries) {
            generation++;
            entries.clear();
        }
        inflight.clear();
    }

    /** How many entries are held. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the secrets cache of " + delegate.name() + " is closed");
        }
    }

    /** Drops every entry, stops background refreshes and closes the adapter. Idempotent. */
    @Override
    public void close() {
        synchronized (entries) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            entries.clear();
        }
        // Readers waiting for a load that will now never run (a queued refresh) must not wait forever.
        IllegalStateException closedFailure =
                new IllegalStateException("the secrets cache of " + delegate.name() + " was closed during the read");
        inflight.values().forEach(f -> f.completeExceptionally(closedFailure));
        inflight.clear();
        registry.remove(size);
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        delegate.close();
    }

    /** The instance and the settings; never a value. */
    @Override
    public String toString() {
        return "SecretsCache[" + delegate.name() + " (" + delegate.system() + "), ttl=" + ttl + ", refreshAhead="
                + refreshAhead + ", staleIfError=" + staleIfError + ", maxEntries=" + maxEntries + "]";
    }

    /** Builds a {@link SecretsCache}. Not thread-safe. */
    public static final class Builder {
        private final SecretsAdapter delegate;
        private Duration ttl = DEFAULT_TTL;
        private @Nullable Duration refreshAhead;
        private Duration staleIfError = Duration.ZERO;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Clock clock = Clock.systemUTC();
        private @Nullable Executor executor;
        private @Nullable MeterRegistry meterRegistry;

        private Builder(SecretsAdapter delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /**
         * How long an entry for the latest version or a stage stays fresh, from the start of its load. Default 5
         * minutes ({@link #DEFAULT_TTL}). Pinned versions never expire.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be > 0, but was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * How long before expiry a hit starts a background reload; zero turns refresh ahead off. Default: a fifth of
         * the TTL. Must be shorter than the TTL (checked by {@link #build()}).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder refreshAhead(Duration refreshAhead) {
            Objects.requireNonNull(refreshAhead, "refreshAhead");
            if (refreshAhead.isNegative()) {
                throw new IllegalArgumentException("refreshAhead must be >= 0, but was " + refreshAhead);
            }
            this.refreshAhead = refreshAhead;
            return this;
        }

        /**
         * How long past its expiry an entry may still be served while the system is unavailable or rate-limited;
         * zero (the default) never serves an expired entry.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder staleIfError(Duration staleIfError) {
            Objects.requireNonNull(staleIfError, "staleIfError");
            if (staleIfError.isNegative()) {
                throw new IllegalArgumentException("staleIfError must be >= 0, but was " + staleIfError);
            }
            this.staleIfError = staleIfError;
            return this;
        }

        /**
         * The most entries held; past it the least recently read goes. Default {@value #DEFAULT_MAX_ENTRIES}.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1, but was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /** The time source of expiry (default: system UTC); tests pass a virtual clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where background refreshes run. Default: one daemon thread of the cache's own, started when needed and shut
         * down by {@link SecretsCache#close()}; an executor given here is not shut down. A refresh the executor
         * rejects runs on the reading thread.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Where the cache's meters go (default: a private registry nobody reads). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * The cache.
         *
         * @throws IllegalArgumentException if refresh ahead is not shorter than the TTL
         */
        public SecretsCache build() {
            Duration ahead = refreshAhead != null ? refreshAhead : ttl.dividedBy(5);
            if (ahead.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException(
                        "refreshAhead must be shorter than ttl (" + ttl + "), but was " + ahead);
            }
            return new SecretsCache(this, ahead);
        }
    }
}
