package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.store.EventStoreException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files of a log directory: {@code 00000000000000000000.log}, {@code ...001.log}, each an 8-byte magic
 * header followed by records framed as {@code [int length][int crc32c][length bytes of payload]} (big-endian). A record
 * never spans segments; a new segment starts when the next write would push the active one past the segment size.
 *
 * <p>Opening scans every segment and hands each valid record to a visitor. A record that fails its frame (length out
 * of bounds, short read, CRC mismatch) in the <em>last</em> segment is a torn write of a crash: the segment is
 * truncated there. Records acknowledged under a forcing policy lie before that point, because a batch is
 * acknowledged only after its bytes are forced. The same failure in an earlier segment is not a crash artefact
 * (segments are forced before the next one starts) and fails the open instead of dropping data.
 *
 * <p>Thread-safety: {@link #append}, {@link #force} and {@link #roll} are called by the one writer thread;
 * {@link #read} may be called by any thread concurrently (positional reads).
 */
final class SegmentLog implements AutoCloseable {
    static final byte[] MAGIC = "SCPLOG01".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length;
    static final int FRAME = 8;
    /** Upper bound of one record, to recognize a torn length field without reading gigabytes. */
    static final int MAX_RECORD = 256 << 20;

    private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);

    /** Receives each valid record during the scan. */
    interface Visitor {
        /**
         * One record.
         *
         * @param segment the segment number
         * @param payloadOffset offset of the payload's first byte in the segment file
         * @param payload the payload (position 0, limit = length); valid only during the call
         */
        void record(int segment, long payloadOffset, ByteBuffer payload);
    }

    private final Path directory;
    private final long segmentSize;
    private final boolean forced;
    private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();
    private int active;
    private FileChannel activeChannel;
    private long activeSize;
    private long truncatedBytes;

    private SegmentLog(Path directory, long segmentSize, boolean forced) {
        this.directory = directory;
        this.segmentSize = segmentSize;
        this.forced = forced;
    }

    /**
     * Opens the log in {@code directory}, scanning every record in order.
     *
     * @param forced whether segment creation and rolls are forced (every policy but NONE)
     * @throws EventStoreException if a segment other than the last is corrupt, or on I/O failure
     */
    static SegmentLog open(Path directory, long segmentSize, boolean forced, Visitor visitor) {
        SegmentLog segments = new SegmentLog(directory, segmentSize, forced);
        try {
            segments.scan(visitor);
        } catch (IOException e) {
            segments.close();
            throw new EventStoreException("cannot open the event log in " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            segments.close();
            throw e;
        }
        return segments;
    }

    private void scan(Visitor visitor) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{20}\\.log"))
                    .forEach(n -> numbers.add(Integer.parseInt(n.substring(0, 20))));
        }
        numbers.sort(null);
        if (numbers.isEmpty()) {
            create(0);
            return;
        }
        byte[] payload = new byte[64 * 1024];
        CRC32C crc = new CRC32C();
        for (int i = 0; i < numbers.size(); i++) {
            int number = numbers.get(i);
            boolean last = i == numbers.size() - 1;
            Path path = path(number);
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channels.put(number, ch);
            long size = ch.size();
            long good = HEADER;
            String problem = null;
            if (size < HEADER) {
                problem = "a header of " + size + " bytes";
                good = 0;
            } else {
                ByteBuffer magic = ByteBuffer.allocate(HEADER);
                ch.read(magic, 0);
                if (!Arrays.equals(magic.array(), MAGIC)) {
                    throw new EventStoreException(path + " is not a Scaleplane event log segment (bad magic)", null);
                }
                InputStream raw = Channels.newInputStream(ch.position(HEADER));
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                while (good < size) {
                    if (size - good < FRAME) {
                        problem = "a partial frame of " + (size - good) + " bytes";
                        break;
                    }
                    int length = in.readInt();
                    int checksum = in.readInt();
                    if (length < 1 || length > MAX_RECORD || length > size - good - FRAME) {
                        problem = "a record length of " + length + " with " + (size - good - FRAME) + " bytes left";
                        break;
                    }
                    if (payload.length < length) {
                        payload = new byte[Math.max(length, payload.length * 2)];
                    }
                    try {
                        in.readFully(payload, 0, length);
                    } catch (EOFException e) {
                        problem = "a short record";
                        break;
                    }
                    crc.reset();
                    crc.update(payload, 0, length);
                    if ((int) crc.getValue() != checksum) {
                        problem = "a CRC32C mismatch";
                        break;
                    }
                    visitor.record(
                            number,
                            good + FRAME,
                            ByteBuffer.wrap(payload, 0, length).slice());
                    good += FRAME + length;
                }
            }
            if (problem != null) {
                if (!last) {
                    throw new EventStoreException(
                            "event log segment " + path + " is corrupt at offset " + good + " ("
                                    + problem + ") and is not the last segment, so this is not a torn write of a crash;"
                                    + " restore the directory from a backup",
                            null);
                }
                truncatedBytes = size - good;
                log.warn(
                        "event log {}: truncating a torn tail of {} bytes at offset {} ({})",
                        path,
                        truncatedBytes,
                        good,
                        problem);
                ch.truncate(good);
                if (good < HEADER) {
                    ch.write(ByteBuffer.wrap(MAGIC), 0);
                    good = HEADER;
                }
                ch.force(true);
            }
            if (last) {
                active = number;
                activeChannel = ch;
                activeSize = good;
            }
        }
    }

    /** Bytes cut off the tail when the log was opened (0 when it was clean). */
    long truncatedBytes() {
        return truncatedBytes;
    }

    /** Where the next record would start, as a locator base: the active segment and its size. */
    int activeSegment() {
        return active;
    }

    long activeSize() {
        return activeSize;
    }

    /**
     * Whether a record of {@code frame} bytes, placed after {@code buffered} bytes not yet written, would push the
     * active segment past the segment size. Never for the first record of a segment, so a record larger than a
     * segment still gets one.
     */
    boolean wouldOverflow(long buffered, long frame) {
        long used = activeSize + buffered;
        return used > HEADER && used + frame > segmentSize;
    }

    /** Writes {@code buffer} fully at the end of the active segment. Does not force. */
    void append(ByteBuffer buffer) throws IOException {
        long at = activeSize;
        while (buffer.hasRemaining()) {
            at += activeChannel.write(buffer, at);
        }
        activeSize = at;
    }

    /** Forces the active segment's data to the device. */
    void force() throws IOException {
        activeChannel.force(false);
    }

    /** Closes the active segment for writing (forcing it) and starts the next one. */
    void roll() throws IOException {
        if (forced) {
            activeChannel.force(false);
        }
        create(active + 1);
    }

    private void create(int number) throws IOException {
        Path path = path(number);
        FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(MAGIC), 0);
        if (forced) {
            ch.force(true);
            forceDirectory();
        }
        channels.put(number, ch);
        active = number;
        activeChannel = ch;
        activeSize = HEADER;
    }

    /** Makes a new file's directory entry durable, so a forced segment cannot vanish with its name after a crash. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for reading; the file's own force is then the best there is.
            log.debug("cannot force directory {}", directory, e);
        }
    }

    /** Reads {@code length} bytes at {@code offset} of segment {@code segment}. Thread-safe. */
    byte[] read(int segment, long offset, int length) {
        FileChannel ch = channels.get(segment);
        if (ch == null) {
            throw new EventStoreException("event log segment " + path(segment) + " is not open", null);
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            long at = offset;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, at);
                if (n < 0) {
                    throw new EOFException("end of " + path(segment) + " at " + at);
                }
                at += n;
            }
        } catch (IOException e) {
            throw new EventStoreException("cannot read the event log segment " + path(segment) + ": " + e, e);
        }
        return buf.array();
    }

    private Path path(int number) {
        return directory.resolve(String.format("%020d.log", number));
    }

    @Override
    public void close() {
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                log.warn("closing an event log segment failed", e);
            }
        }
        channels.clear();
    }
}
