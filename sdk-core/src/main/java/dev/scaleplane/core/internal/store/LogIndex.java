package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.StreamDeletedException;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import dev.scaleplane.core.store.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory index of an event log, shared by the in-memory and the file store: per global position the event's
 * stream, version, recording time, audit attributes and a locator of its bytes; per stream the positions of its
 * versions and its tombstone; the subscribers' checkpoints.
 *
 * <p>Columns are primitive arrays indexed by position (positions are dense, from 0) and strings are
 * dictionary-encoded, so a million events cost tens of megabytes, not an object per event.
 *
 * <p>Thread-safety: any number of readers run concurrently under the read lock. Mutations ({@link #add},
 * {@link #delete}) take the write lock and must come from one thread at a time (the store serializes its writers);
 * that writer may also read without locking ({@link #stream(String)}), since no one else mutates.
 */
final class LogIndex {
    /** One indexed event, copied out under the read lock. */
    record Entry(long position, String stream, long version, long recordedAtMillis, long locator, int length) {}

    /** The audit attributes of one event, extracted when it is appended and again when the log is reopened. */
    record Meta(
            String type,
            @Nullable String tenant,
            @Nullable String cluster,
            @Nullable String correlationId,
            long timeSeconds,
            int timeNanos) {
        static Meta of(dev.scaleplane.api.events.Event<?> e) {
            return new Meta(
                    e.type(),
                    e.tenant(),
                    e.cluster(),
                    e.correlationId(),
                    e.time().getEpochSecond(),
                    e.time().getNano());
        }
    }

    /** A page of audit results: matching positions and where the next page continues (-1 for none). */
    record QueryResult(List<Entry> entries, long next) {}

    /** Per-stream state. Mutated by the writer under the write lock. */
    static final class StreamState {
        final String name;
        final int id;
        final RetentionPolicy.@Nullable Rule rule;
        long[] positions = new long[4];
        int count;
        /** Versions up to and including this one are deleted; -1 when never deleted. */
        long deletedThrough = -1;

        StreamState(String name, int id, RetentionPolicy.@Nullable Rule rule) {
            this.name = name;
            this.id = id;
            this.rule = rule;
        }

        long lastVersion() {
            return count - 1;
        }

        boolean exists() {
            return lastVersion() > deletedThrough;
        }
    }

    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final RetentionPolicy retention;
    private final Map<String, StreamState> streams = new HashMap<>();
    private final List<StreamState> streamsById = new ArrayList<>();
    private final Dictionary types = new Dictionary();
    private final Dictionary tenants = new Dictionary();
    private final Dictionary clusters = new Dictionary();
    private final Map<String, long[]> byCorrelation = new HashMap<>();
    private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();

    private int size;
    private int[] streamIds = new int[1024];
    private long[] versions = new long[1024];
    private long[] recordedAt = new long[1024];
    private int[] typeIds = new int[1024];
    private int[] tenantIds = new int[1024];
    private int[] clusterIds = new int[1024];
    private long[] timeSeconds = new long[1024];
    private int[] timeNanos = new int[1024];
    private long[] locators = new long[1024];
    private int[] lengths = new int[1024];

    LogIndex(RetentionPolicy retention) {
        this.retention = retention;
    }

    // ---------------------------------------------------------------------------------------------------- writer side

    /** The stream's state, or null if never written. Writer thread only (or under the read lock). */
    @Nullable
    StreamState stream(String name) {
        return streams.get(name);
    }

    /** The next position: the number of indexed events. */
    long size() {
        rw.readLock().lock();
        try {
            return size;
        } finally {
            rw.readLock().unlock();
        }
    }

    /**
     * Checks an append's expectation against a stream at {@code lastVersion} whose versions up to
     * {@code deletedThrough} are deleted.
     *
     * @throws WrongExpectedVersionException if the expectation does not hold
     * @throws StreamDeletedException if the stream is deleted and the expectation needs it to exist
     */
    static void checkAppend(String stream, ExpectedVersion expected, long lastVersion, long deletedThrough) {
        boolean exists = lastVersion > deletedThrough;
        if (!exists && deletedThrough >= 0) {
            if (expected == ExpectedVersion.ANY || expected == ExpectedVersion.NO_STREAM) {
                return;
            }
            throw new StreamDeletedException(stream);
        }
        if (!expected.isMetBy(exists ? lastVersion : -1, exists)) {
            throw new WrongExpectedVersionException(stream, expected, exists ? lastVersion : -1);
        }
    }

    /**
     * Checks a deletion's expectation. Deleting a stream that does not exist (never written, or deleted) is a no-op
     * when the expectation allows an absent stream.
     *
     * @return whether a tombstone must be written
     * @throws WrongExpectedVersionException if the expectation does not hold
     */
    static boolean checkDelete(String stream, ExpectedVersion expected, long lastVersion, long deletedThrough) {
        boolean exists = lastVersion > deletedThrough;
        if (!expected.isMetBy(exists ? lastVersion : -1, exists)) {
            throw new WrongExpectedVersionException(stream, expected, exists ? lastVersion : -1);
        }
        return exists;
    }

    /** Indexes one event at the next position; returns that position. Writer only, under {@link #writeLock()}. */
    long add(String stream, long version, long recordedAtMillis, Meta meta, long locator, int length) {
        StreamState s = streams.get(stream);
        if (s == null) {
            s = new StreamState(
                    stream, streamsById.size(), retention.ruleFor(stream).orElse(null));
            streams.put(stream, s);
            streamsById.add(s);
        }
        if (version != s.count) {
            throw new IllegalStateException(
                    "stream " + stream + " is at version " + s.lastVersion() + ", cannot index version " + version);
        }
        if (size == streamIds.length) {
            grow();
        }
        int p = size;
        streamIds[p] = s.id;
        versions[p] = version;
        recordedAt[p] = recordedAtMillis;
        typeIds[p] = types.id(meta.type());
        tenantIds[p] = tenants.id(meta.tenant());
        clusterIds[p] = clusters.id(meta.cluster());
        timeSeconds[p] = meta.timeSeconds();
        timeNanos[p] = meta.timeNanos();
        locators[p] = locator;
        lengths[p] = length;
        if (s.count == s.positions.length) {
            s.positions = Arrays.copyOf(s.positions, s.count * 2);
        }
        s.positions[s.count++] = p;
        if (meta.correlationId() != null) {
            byCorrelation.compute(meta.correlationId(), (k, list) -> append(list, p));
        }
        size = p + 1;
        return p;
    }

    /** Records a tombstone. Writer only, under {@link #writeLock()}. */
    void delete(String stream, long deletedThrough) {
        StreamState s = streams.get(stream);
        if (s != null) {
            s.deletedThrough = Math.max(s.deletedThrough, deletedThrough);
        }
    }

    /** Records a checkpoint. */
    void checkpoint(String subscriberId, long position) {
        checkpoints.put(subscriberId, position);
    }

    /** The lock around mutations, so readers see whole batches. */
    ReentrantReadWriteLock.WriteLock writeLock() {
        return rw.writeLock();
    }

    // ----------------------------------------------------------------------------------------------------- read side

    OptionalLong checkpointOf(String subscriberId) {
        Long p = checkpoints.get(subscriberId);
        return p == null ? OptionalLong.empty() : OptionalLong.of(p);
    }

    /** A snapshot of every checkpoint. */
    Map<String, Long> checkpoints() {
        return Map.copyOf(checkpoints);
    }

    OptionalLong streamVersion(String stream) {
        rw.readLock().lock();
        try {
            StreamState s = streams.get(stream);
            return s != null && s.exists() ? OptionalLong.of(s.lastVersion()) : OptionalLong.empty();
        } finally {
            rw.readLock().unlock();
        }
    }

    List<Entry> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount, long nowMillis) {
        rw.readLock().lock();
        try {
            StreamState s = streams.get(stream);
            if (s == null || !s.exists()) {
                return List.of();
            }
            List<Entry> out = new ArrayList<>(Math.min(maxCount, s.count));
            long first = s.deletedThrough + 1;
            if (direction == ReadDirection.FORWARD) {
                for (long v = Math.max(fromVersion, first); v < s.count && out.size() < maxCount; v++) {
                    addIfRetained(out, s.positions[(int) v], s, nowMillis);
                }
            } else {
                for (long v = Math.min(fromVersion, s.lastVersion()); v >= first && out.size() < maxCount; v--) {
                    addIfRetained(out, s.positions[(int) v], s, nowMillis);
                }
            }
            return out;
        } finally {
            rw.readLock().unlock();
        }
    }

    List<Entry> readAll(ReadDirection direction, long fromPosition, int maxCount, long nowMillis) {
        rw.readLock().lock();
        try {
            List<Entry> out = new ArrayList<>(Math.min(maxCount, 1024));
            if (direction == ReadDirection.FORWARD) {
                for (long p = Math.max(0, fromPosition); p < size && out.size() < maxCount; p++) {
                    addIfRetained(out, (int) p, streamsById.get(streamIds[(int) p]), nowMillis);
                }
            } else {
                for (long p = Math.min(fromPosition, size - 1L); p >= 0 && out.size() < maxCount; p--) {
                    addIfRetained(out, (int) p, streamsById.get(streamIds[(int) p]), nowMillis);
                }
            }
            return out;
        } finally {
            rw.readLock().unlock();
        }
    }

    QueryResult query(AuditQuery q, long nowMillis) {
        rw.readLock().lock();
        try {
            int[] typeFilter = null;
            if (!q.types().isEmpty()) {
                typeFilter = q.types().stream()
                        .mapToInt(types::find)
                        .filter(id -> id >= 0)
                        .toArray();
                if (typeFilter.length == 0) {
                    return new QueryResult(List.of(), -1);
                }
            }
            int tenant = q.tenant().map(tenants::find).orElse(-2);
            int cluster = q.cluster().map(clusters::find).orElse(-2);
            if (tenant == -1 || cluster == -1) {
                return new QueryResult(List.of(), -1); // a value never seen matches nothing
            }
            Instant from = q.from().orElse(null);
            Instant to = q.to().orElse(null);
            long after = q.afterPosition();
            int limit = q.limit();
            List<Entry> out = new ArrayList<>(Math.min(limit, 256));
            // Candidates: the narrowest list an index gives, else every position after the cursor.
            long[] candidates = null;
            int candidateCount = 0;
            if (q.stream().isPresent()) {
                StreamState s = streams.get(q.stream().get());
                if (s == null) {
                    return new QueryResult(List.of(), -1);
                }
                candidates = s.positions;
                candidateCount = s.count;
            }
            if (q.correlationId().isPresent()) {
                long[] list = byCorrelation.get(q.correlationId().get());
                if (list == null) {
                    return new QueryResult(List.of(), -1);
                }
                if (candidates == null || (int) list[0] < candidateCount) {
                    candidates = Arrays.copyOfRange(list, 1, 1 + (int) list[0]);
                    candidateCount = candidates.length;
                }
            }
            long next = -1;
            if (candidates != null) {
                int i = lowerBound(candidates, candidateCount, after + 1);
                for (; i < candidateCount; i++) {
                    int p = (int) candidates[i];
                    if (matches(p, q, typeFilter, tenant, cluster, from, to, nowMillis)) {
                        if (out.size() == limit) {
                            next = out.get(limit - 1).position();
                            break;
                        }
                        out.add(entry(p, streamsById.get(streamIds[p])));
                    }
                }
            } else {
                for (long p = after + 1; p < size; p++) {
                    if (matches((int) p, q, typeFilter, tenant, cluster, from, to, nowMillis)) {
                        if (out.size() == limit) {
                            next = out.get(limit - 1).position();
                            break;
                        }
                        out.add(entry((int) p, streamsById.get(streamIds[(int) p])));
                    }
                }
            }
            return new QueryResult(out, next);
        } finally {
            rw.readLock().unlock();
        }
    }

    private boolean matches(
            int p,
            AuditQuery q,
            int @Nullable [] typeFilter,
            int tenant,
            int cluster,
            @Nullable Instant from,
            @Nullable Instant to,
            long nowMillis) {
        StreamState s = streamsById.get(streamIds[p]);
        if (q.stream().isPresent() && !s.name.equals(q.stream().get())) {
            return false;
        }
        if (typeFilter != null && !contains(typeFilter, typeIds[p])) {
            return false;
        }
        if ((tenant != -2 && tenantIds[p] != tenant) || (cluster != -2 && clusterIds[p] != cluster)) {
            return false;
        }
        if (from != null && compareTime(p, from) < 0) {
            return false;
        }
        if (to != null && compareTime(p, to) >= 0) {
            return false;
        }
        if (q.correlationId().isPresent()
                && !hasCorrelation(p, q.correlationId().get())) {
            return false;
        }
        return retained(p, s, nowMillis);
    }

    private boolean hasCorrelation(int p, String correlationId) {
        long[] list = byCorrelation.get(correlationId);
        return list != null && Arrays.binarySearch(list, 1, 1 + (int) list[0], p) >= 0;
    }

    private int compareTime(int p, Instant t) {
        int c = Long.compare(timeSeconds[p], t.getEpochSecond());
        return c != 0 ? c : Integer.compare(timeNanos[p], t.getNano());
    }

    private void addIfRetained(List<Entry> out, long position, StreamState s, long nowMillis) {
        int p = (int) position;
        if (retained(p, s, nowMillis)) {
            out.add(entry(p, s));
        }
    }

    private boolean retained(int p, StreamState s, long nowMillis) {
        return RetentionPolicy.retains(s.rule, versions[p], s.lastVersion(), recordedAt[p], nowMillis);
    }

    private Entry entry(int p, StreamState s) {
        return new Entry(p, s.name, versions[p], recordedAt[p], locators[p], lengths[p]);
    }

    private void grow() {
        int n = streamIds.length * 2;
        streamIds = Arrays.copyOf(streamIds, n);
        versions = Arrays.copyOf(versions, n);
        recordedAt = Arrays.copyOf(recordedAt, n);
        typeIds = Arrays.copyOf(typeIds, n);
        tenantIds = Arrays.copyOf(tenantIds, n);
        clusterIds = Arrays.copyOf(clusterIds, n);
        timeSeconds = Arrays.copyOf(timeSeconds, n);
        timeNanos = Arrays.copyOf(timeNanos, n);
        locators = Arrays.copyOf(locators, n);
        lengths = Arrays.copyOf(lengths, n);
    }

    /** A growable list of positions whose element 0 is the count, so the map holds one array per id. */
    private static long[] append(long @Nullable [] list, long value) {
        if (list == null) {
            list = new long[4];
        }
        int n = (int) list[0];
        if (n + 1 == list.length) {
            list = Arrays.copyOf(list, list.length * 2);
        }
        list[n + 1] = value;
        list[0] = n + 1;
        return list;
    }

    private static int lowerBound(long[] sorted, int count, long key) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Strings to dense ids; null is -1. Mutated only by the writer under the write lock. */
    private static final class Dictionary {
        private final Map<String, Integer> ids = new HashMap<>();

        int id(@Nullable String value) {
            if (value == null) {
                return -1;
            }
            Integer id = ids.get(value);
            if (id == null) {
                id = ids.size();
                ids.put(value, id);
            }
            return id;
        }

        /** The id of a known value, or -1 when it was never seen. */
        int find(String value) {
            Integer id = ids.get(value);
            return id == null ? -1 : id;
        }
    }
}
