package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import dev.scaleplane.api.store.StoreLockedException;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.store.CatchUpSubscriptions;
import dev.scaleplane.core.store.StreamNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event store: an append-only log of segment files ({@link SegmentLog}) in one directory, with the
 * index ({@link LogIndex}) in memory and the event bytes read from the files on demand.
 *
 * <h2>Records</h2>
 *
 * Every change is one framed, CRC32C-checked record, so it is applied whole or not at all:
 *
 * <ul>
 *   <li>{@code APPEND}: stream, first version, first position, recording time, then per event its audit attributes
 *       (time, type, tenant, cluster, correlation id) and its CloudEvents JSON ({@link EventCodec#encodeStructured}).
 *       The attributes are stored beside the JSON so that reopening rebuilds the index without parsing JSON.
 *   <li>{@code DELETE}: a stream tombstone, the version through which the stream is deleted.
 *   <li>{@code CHECKPOINT}: a subscriber id and its position; the last one wins.
 * </ul>
 *
 * <h2>Writing</h2>
 *
 * Callers encode their events on their own thread. With {@link FsyncPolicy#GROUP_COMMIT} they hand a request to the
 * single writer thread, which takes every request waiting, checks expected versions against the index plus the
 * requests it has taken but not yet committed, frames the records, writes them with one positional write, forces
 * once, then publishes them to the index and completes the futures; the writer completes futures on its own thread, so
 * callbacks attached to them should not block. With {@link FsyncPolicy#ALWAYS} and {@link FsyncPolicy#NONE} the
 * caller does the same for its own request under a lock, and gets a completed future. Either way readers never see
 * an event before its durability point.
 *
 * <p>After an I/O error the store stops writing and fails every later write until it is reopened. The appends of
 * the failed batch fail too, although some of their bytes may have reached the file: their outcome is unknown, and
 * they may be present after reopening (never partly: recovery keeps or drops whole records).
 *
 * <h2>Opening</h2>
 *
 * A lock file ({@code store.lock}, {@link FileChannel#tryLock()}) admits one process per directory. The segments are
 * scanned to rebuild the index; a torn tail is truncated (see {@link SegmentLog}). The index is not persisted: the
 * log is the only state, so there is nothing to keep consistent with it. Cost, measured by {@code
 * StoreReopenBenchmark} on a 2-core VM: about 0.9 s to reopen 1,000,000 events (10,000 streams, 250,000 correlation
 * ids), and about 120 MB of heap for their index. Event bytes stay in the files and are read on demand, one
 * positional read per run of consecutive events.
 *
 * <h2>Retention</h2>
 *
 * Applied when reading, from the recording times and versions in the index, so it takes effect as soon as the clock
 * passes an event's age and survives reopening without bookkeeping. The bytes stay in the segments: this store
 * never rewrites a segment, which keeps crash safety simple; loosening a rule brings events back.
 *
 * <p>Thread-safe.
 */
public final class FileEventStore implements EventStore {
    static final byte APPEND = 1;
    static final byte DELETE = 2;
    static final byte CHECKPOINT = 3;

    private static final Logger log = LoggerFactory.getLogger(FileEventStore.class);
    private static final int MAX_BATCH_REQUESTS = 4096;
    private static final int MAX_BATCH_BYTES = 8 << 20;
    /** Largest span of a segment read at once for consecutive events. */
    private static final int MAX_READ_SPAN = 256 << 10;

    private final FileStoreSettings settings;
    private final EventCodec codec;
    private final Clock clock;
    private final LogIndex index;
    private final SegmentLog segments;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CatchUpSubscriptions subscriptions;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    /** GROUP_COMMIT's writer thread; null for the other policies, whose callers commit themselves. */
    private final @Nullable Thread writer;
    /**
     * Held while a batch is committed: by the writer thread, or by the appending caller without one. A monitor rather
     * than a ReentrantLock: its brief spinning before parking hands the lock from one forcing caller to the next
     * without a full wake-up, which matters when each append holds it for one force.
     */
    private final Object commitLock = new Object();

    private final Committer committer;
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private volatile @Nullable Throwable broken;
    private final Duration openDuration;

    private FileEventStore(FileStoreSettings settings, EventCodec codec, Clock clock) {
        long started = System.nanoTime();
        this.settings = settings;
        this.codec = codec;
        this.clock = clock;
        Path dir = settings.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EventStoreException("cannot create the event store directory " + dir + ": " + e, e);
        }
        Path lockFile = dir.resolve("store.lock");
        FileChannel ch;
        FileLock acquired;
        try {
            ch = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EventStoreException("cannot open the lock file " + lockFile + ": " + e, e);
        }
        try {
            acquired = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null; // this JVM holds it already: another store instance over the same directory
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EventStoreException("cannot lock " + lockFile + ": " + e, e);
        }
        if (acquired == null) {
            String holder = readHolder(lockFile);
            closeQuietly(ch);
            throw new StoreLockedException("the event store directory " + dir + " is in use by another writer"
                    + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; one process may write a directory at a time: close the other store or configure another"
                    + " scaleplane.store.file.directory");
        }
        this.lockChannel = ch;
        this.lock = acquired;
        try {
            writeHolder(ch);
            this.index = new LogIndex(settings.retention());
            this.segments = SegmentLog.open(
                    dir, settings.segmentSize(), settings.fsync() != FsyncPolicy.NONE, new Recovery(index));
        } catch (RuntimeException e) {
            releaseLock();
            throw e;
        }
        this.subscriptions = new CatchUpSubscriptions(this, Duration.ofSeconds(1), "scaleplane-store-file");
        this.committer = new Committer();
        if (settings.fsync() == FsyncPolicy.GROUP_COMMIT) {
            Thread w = new Thread(this::writeLoop, "scaleplane-store-file-writer");
            w.setDaemon(true);
            w.start();
            this.writer = w;
        } else {
            this.writer = null;
        }
        this.openDuration = Duration.ofNanos(System.nanoTime() - started);
        log.debug("opened event store {} with {} events in {}", dir, index.size(), openDuration);
    }

    /**
     * Opens (creating if needed) the store in {@code settings.directory()}.
     *
     * @throws StoreLockedException if another process (or another open store of this one) uses the directory
     * @throws EventStoreException if the log cannot be read, or is corrupt other than at its tail
     */
    public static FileEventStore open(FileStoreSettings settings, EventCodec codec, Clock clock) {
        return new FileEventStore(
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(codec, "codec"),
                Objects.requireNonNull(clock, "clock"));
    }

    /** The settings this store was opened with. */
    public FileStoreSettings settings() {
        return settings;
    }

    /** How long opening took, including the scan that rebuilt the index. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Bytes of a torn tail cut off when the store was opened; 0 after a clean shutdown. */
    public long truncatedBytes() {
        return segments.truncatedBytes();
    }

    /** Events in the log (the next global position). */
    public long size() {
        return index.size();
    }

    // ------------------------------------------------------------------------------------------------------ writes

    @Override
    public CompletableFuture<AppendResult> append(
            String stream, ExpectedVersion expected, List<? extends Event<?>> events) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events must not be empty");
        }
        byte[][] data = new byte[events.size()][];
        LogIndex.Meta[] meta = new LogIndex.Meta[events.size()];
        try {
            for (int i = 0; i < data.length; i++) {
                Event<?> e = Objects.requireNonNull(events.get(i), "event");
                data[i] = codec.encodeStructured(e);
                meta[i] = LogIndex.Meta.of(e);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Request r = new Request(Request.Kind.APPEND, stream, expected, data, meta, 0);
        return submit(r).thenApply(x -> r.result);
    }

    @Override
    public CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(expected, "expected");
        return submit(new Request(Request.Kind.DELETE, stream, expected, null, null, 0));
    }

    @Override
    public CompletableFuture<Void> storeCheckpoint(String subscriberId, long position) {
        Objects.requireNonNull(subscriberId, "subscriberId");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, but was " + position);
        }
        return submit(new Request(Request.Kind.CHECKPOINT, subscriberId, ExpectedVersion.ANY, null, null, position));
    }

    private CompletableFuture<Void> submit(Request r) {
        if (writer == null) {
            return commitInline(r);
        }
        synchronized (lifecycle) {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new EventStoreException("the event store " + settings.directory() + " is closed", null));
            }
            Throwable b = broken;
            if (b != null) {
                return CompletableFuture.failedFuture(brokenException(b));
            }
            queue.add(r);
        }
        return r.done;
    }

    private EventStoreException brokenException(Throwable cause) {
        return new EventStoreException(
                "the event store " + settings.directory()
                        + " stopped writing after an I/O failure; reopen it (recovery truncates what was not acknowledged)",
                cause);
    }

    /**
     * ALWAYS and NONE: the caller commits its own request under the commit lock, one at a time, like a plain
     * write(+force) loop. A hand-off to another thread would add two thread wake-ups to every append, which costs more
     * than the write itself when nothing is forced, and there is nothing to batch when every append forces alone.
     */
    private CompletableFuture<Void> commitInline(Request r) {
        synchronized (commitLock) {
            commitOne(r);
        }
        return r.done;
    }

    private void commitOne(Request r) {
        try {
            if (closed) {
                r.done.completeExceptionally(
                        new EventStoreException("the event store " + settings.directory() + " is closed", null));
            } else if (broken != null) {
                r.done.completeExceptionally(brokenException(broken));
            } else {
                committer.commit(List.of(r));
            }
        } catch (IOException | RuntimeException | Error e) {
            broken = e;
            log.error("writing to the event store {} failed", settings.directory(), e);
            r.done.completeExceptionally(brokenException(e));
        }
    }

    /**
     * GROUP_COMMIT's writer thread: takes every waiting request, commits them together, repeats until closed and
     * drained.
     */
    private void writeLoop() {
        List<Request> batch = new ArrayList<>();
        try {
            while (true) {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH_REQUESTS - 1);
                synchronized (commitLock) {
                    committer.commit(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            broken = t;
            log.error("the event store writer for {} failed", settings.directory(), t);
            EventStoreException failure = brokenException(t);
            batch.forEach(r -> r.done.completeExceptionally(failure));
            synchronized (lifecycle) {
                Request r;
                while ((r = queue.poll()) != null) {
                    r.done.completeExceptionally(failure);
                }
            }
        }
    }

    /** The writer's state between batches. Used only under {@link #commitLock}. */
    private final class Committer {
        private final Bytes record = new Bytes(4096);
        private ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        private final CRC32C crc = new CRC32C();
        private final Map<String, long[]> pending = new HashMap<>();
        private final List<Runnable> publish = new ArrayList<>();
        private final List<Request> accepted = new ArrayList<>();
        private long nextPosition = index.size();

        void commit(List<Request> batch) throws IOException {
            out.clear();
            long recordedAt = clock.millis();
            int segment = segments.activeSegment();
            long base = segments.activeSize();
            int written = 0;
            for (Request r : batch) {
                try {
                    record.reset();
                    if (!encode(r, recordedAt)) {
                        r.done.complete(null); // a deletion of an absent stream: nothing to write
                        continue;
                    }
                } catch (RuntimeException e) {
                    r.done.completeExceptionally(e);
                    continue;
                }
                int frame = SegmentLog.FRAME + record.size();
                if (segments.wouldOverflow(out.position(), frame) || out.position() > MAX_BATCH_BYTES) {
                    flush();
                    if (segments.wouldOverflow(0, frame)) {
                        segments.roll();
                    }
                    segment = segments.activeSegment();
                    base = segments.activeSize();
                }
                ensure(frame);
                long payloadOffset = base + out.position() + SegmentLog.FRAME;
                crc.reset();
                crc.update(record.array(), 0, record.size());
                out.putInt(record.size()).putInt((int) crc.getValue()).put(record.array(), 0, record.size());
                stage(r, segment, payloadOffset, recordedAt);
                accepted.add(r);
                written++;
            }
            if (written > 0 || out.position() > 0) {
                flush();
                if (settings.fsync() != FsyncPolicy.NONE) {
                    segments.force();
                }
            }
            index.writeLock().lock();
            try {
                publish.forEach(Runnable::run);
            } finally {
                index.writeLock().unlock();
            }
            publish.clear();
            pending.clear();
            for (Request r : accepted) {
                r.done.complete(null);
            }
            boolean appended = accepted.stream().anyMatch(r -> r.kind == Request.Kind.APPEND);
            accepted.clear();
            if (appended) {
                subscriptions.appended();
            }
        }

        private void flush() throws IOException {
            if (out.position() > 0) {
                out.flip();
                segments.append(out);
                out.clear();
            }
        }

        private void ensure(int bytes) {
            if (out.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + bytes));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
        }

        /** The stream's state including this batch's earlier requests: {last version, deleted through}. */
        private long[] state(String stream) {
            return pending.computeIfAbsent(stream, s -> {
                LogIndex.StreamState st = index.stream(s);
                return st == null ? new long[] {-1, -1} : new long[] {st.lastVersion(), st.deletedThrough};
            });
        }

        /** Checks the request and builds its record payload; false when there is nothing to write. */
        private boolean encode(Request r, long recordedAt) {
            switch (r.kind) {
                case APPEND -> {
                    long[] s = state(r.key);
                    LogIndex.checkAppend(r.key, r.expected, s[0], s[1]);
                    record.putByte(APPEND)
                            .putString(r.key)
                            .putLong(s[0] + 1)
                            .putLong(nextPosition)
                            .putLong(recordedAt)
                            .putInt(r.data.length);
                    for (int i = 0; i < r.data.length; i++) {
                        LogIndex.Meta m = r.meta[i];
                        record.putLong(m.timeSeconds())
                                .putInt(m.timeNanos())
                                .putString(m.type())
                                .putString(m.tenant())
                                .putString(m.cluster())
                                .putString(m.correlationId())
                                .putInt(r.data[i].length);
                        r.dataOffsets[i] = record.size();
                        record.putBytes(r.data[i]);
                    }
                    return true;
                }
                case DELETE -> {
                    long[] s = state(r.key);
                    if (!LogIndex.checkDelete(r.key, r.expected, s[0], s[1])) {
                        return false;
                    }
                    record.putByte(DELETE).putString(r.key).putLong(s[0]);
                    return true;
                }
                case CHECKPOINT -> {
                    record.putByte(CHECKPOINT).putString(r.key).putLong(r.position);
                    return true;
                }
                default -> throw new IllegalStateException("unknown request " + r.kind);
            }
        }

        /** Updates the batch state and queues the index change published after the durability point. */
        private void stage(Request r, int segment, long payloadOffset, long recordedAt) {
            switch (r.kind) {
                case APPEND -> {
                    long[] s = state(r.key);
                    long firstVersion = s[0] + 1;
                    long firstPosition = nextPosition;
                    long[] offsets = new long[r.data.length];
                    for (int i = 0; i < r.data.length; i++) {
                        offsets[i] = payloadOffset + r.dataOffsets[i];
                    }
                    s[0] += r.data.length;
                    nextPosition += r.data.length;
                    r.result = new AppendResult(
                            r.key, firstVersion, s[0], firstPosition, firstPosition + r.data.length - 1);
                    publish.add(() -> {
                        for (int i = 0; i < r.data.length; i++) {
                            index.add(
                                    r.key,
                                    firstVersion + i,
                                    recordedAt,
                                    r.meta[i],
                                    locator(segment, offsets[i]),
                                    r.data[i].length);
                        }
                    });
                }
                case DELETE -> {
                    long[] s = state(r.key);
                    long through = s[0];
                    s[1] = through;
                    publish.add(() -> index.delete(r.key, through));
                }
                case CHECKPOINT -> publish.add(() -> index.checkpoint(r.key, r.position));
                default -> throw new IllegalStateException("unknown request " + r.kind);
            }
        }
    }

    static long locator(int segment, long offset) {
        return ((long) segment << 40) | offset;
    }

    /** Rebuilds the index from the records, checking that they chain (positions and versions consecutive). */
    private static final class Recovery implements SegmentLog.Visitor {
        private final LogIndex index;
        private long nextPosition;

        Recovery(LogIndex index) {
            this.index = index;
        }

        @Override
        public void record(int segment, long payloadOffset, ByteBuffer in) {
            byte kind = in.get();
            switch (kind) {
                case APPEND -> {
                    String stream = Objects.requireNonNull(Bytes.getString(in));
                    long firstVersion = in.getLong();
                    long firstPosition = in.getLong();
                    long recordedAt = in.getLong();
                    int count = in.getInt();
                    if (firstPosition != nextPosition) {
                        throw inconsistent(
                                segment,
                                payloadOffset,
                                "position " + firstPosition + " where " + nextPosition + " was next");
                    }
                    LogIndex.StreamState st = index.stream(stream);
                    long expectedVersion = st == null ? 0 : st.lastVersion() + 1;
                    if (firstVersion != expectedVersion) {
                        throw inconsistent(
                                segment,
                                payloadOffset,
                                "version " + firstVersion + " of " + stream + " where " + expectedVersion
                                        + " was next");
                    }
                    for (int i = 0; i < count; i++) {
                        long seconds = in.getLong();
                        int nanos = in.getInt();
                        String type = Objects.requireNonNull(Bytes.getString(in));
                        String tenant = Bytes.getString(in);
                        String cluster = Bytes.getString(in);
                        String correlation = Bytes.getString(in);
                        int length = in.getInt();
                        long offset = payloadOffset + in.position();
                        in.position(in.position() + length);
                        index.add(
                                stream,
                                firstVersion + i,
                                recordedAt,
                                new LogIndex.Meta(type, tenant, cluster, correlation, seconds, nanos),
                                locator(segment, offset),
                                length);
                    }
                    nextPosition += count;
                }
                case DELETE -> index.delete(Objects.requireNonNull(Bytes.getString(in)), in.getLong());
                case CHECKPOINT -> index.checkpoint(Objects.requireNonNull(Bytes.getString(in)), in.getLong());
                default -> throw inconsistent(segment, payloadOffset, "unknown record kind " + kind);
            }
        }

        private static EventStoreException inconsistent(int segment, long offset, String what) {
            return new EventStoreException(
                    "event log segment " + segment + " at offset " + offset
                            + " has a valid checksum but an inconsistent record (" + what + ")",
                    null);
        }
    }

    // ------------------------------------------------------------------------------------------------------- reads

    @Override
    public List<RecordedEvent> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(direction, "direction");
        InMemoryEventStore.requirePositiveCount(maxCount);
        return materialize(index.readStream(stream, direction, fromVersion, maxCount, clock.millis()));
    }

    @Override
    public List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount) {
        Objects.requireNonNull(direction, "direction");
        InMemoryEventStore.requirePositiveCount(maxCount);
        return materialize(index.readAll(direction, fromPosition, maxCount, clock.millis()));
    }

    @Override
    public OptionalLong streamVersion(String stream) {
        return index.streamVersion(StreamNames.requireValid(stream));
    }

    @Override
    public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
        return subscriptions.subscribe(options, handler);
    }

    @Override
    public OptionalLong checkpoint(String subscriberId) {
        return index.checkpointOf(Objects.requireNonNull(subscriberId, "subscriberId"));
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        LogIndex.QueryResult r = index.query(query, clock.millis());
        return new AuditPage(materialize(r.entries()), r.next() < 0 ? OptionalLong.empty() : OptionalLong.of(r.next()));
    }

    /**
     * Reads and decodes the events of index entries. Entries that follow each other in one segment (a forward read)
     * are fetched with one positional read of the span that covers them, up to {@value #MAX_READ_SPAN} bytes, instead
     * of one read per event: a page of {@code readAll} then costs a few system calls, not one per event.
     */
    private List<RecordedEvent> materialize(List<LogIndex.Entry> entries) {
        List<RecordedEvent> out = new ArrayList<>(entries.size());
        int n = entries.size();
        for (int i = 0; i < n; ) {
            LogIndex.Entry first = entries.get(i);
            int segment = segmentOf(first.locator());
            long start = offsetOf(first.locator());
            long end = start + first.length();
            int j = i + 1;
            while (j < n) {
                LogIndex.Entry e = entries.get(j);
                long at = offsetOf(e.locator());
                if (segmentOf(e.locator()) != segment || at < end || at + e.length() - start > MAX_READ_SPAN) {
                    break;
                }
                end = at + e.length();
                j++;
            }
            byte[] span = segments.read(segment, start, (int) (end - start));
            for (int k = i; k < j; k++) {
                LogIndex.Entry e = entries.get(k);
                int from = (int) (offsetOf(e.locator()) - start);
                byte[] json = j - i == 1 ? span : Arrays.copyOfRange(span, from, from + e.length());
                out.add(new RecordedEvent(
                        e.stream(),
                        e.version(),
                        e.position(),
                        Instant.ofEpochMilli(e.recordedAtMillis()),
                        codec.decodeStructured(json)));
            }
            i = j;
        }
        return out;
    }

    private static int segmentOf(long locator) {
        return (int) (locator >>> 40);
    }

    private static long offsetOf(long locator) {
        return locator & ((1L << 40) - 1);
    }

    // --------------------------------------------------------------------------------------------------- lifecycle

    /**
     * Stops the subscriptions (they store their final checkpoints), commits every accepted request, and releases the
     * files and the lock. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
        }
        subscriptions.close();
        synchronized (commitLock) {
            synchronized (lifecycle) {
                closed = true;
            }
        }
        boolean interrupted = false;
        while (writer != null && writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        segments.close();
        releaseLock();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            log.warn("releasing the lock of {} failed", settings.directory(), e);
        }
        closeQuietly(lockChannel);
    }

    private static void writeHolder(FileChannel ch) {
        try {
            byte[] who = ("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(who), 0);
        } catch (IOException e) {
            log.debug("cannot record the lock holder", e);
        }
    }

    private static String readHolder(Path lockFile) {
        try {
            return new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            log.debug("closing {} failed", ch, e);
        }
    }

    @Override
    public String toString() {
        return "FileEventStore[" + settings.directory() + ", " + settings.fsync() + ']';
    }

    /** One write handed to the writer thread. */
    private static final class Request {
        enum Kind {
            APPEND,
            DELETE,
            CHECKPOINT
        }

        final Kind kind;
        final String key;
        final ExpectedVersion expected;
        final byte[][] data;
        final LogIndex.Meta[] meta;
        final long position;
        /** Where each event's JSON starts inside the record payload; set by the writer while encoding. */
        final int[] dataOffsets;

        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Nullable
        AppendResult result;

        Request(
                Kind kind,
                String key,
                ExpectedVersion expected,
                byte @Nullable [][] data,
                LogIndex.Meta @Nullable [] meta,
                long position) {
            this.kind = kind;
            this.key = key;
            this.expected = expected;
            this.data = data == null ? new byte[0][] : data;
            this.meta = meta == null ? new LogIndex.Meta[0] : meta;
            this.position = position;
            this.dataOffsets = new int[this.data.length];
        }
    }
}
