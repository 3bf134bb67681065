package dev.scaleplane.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The physical limits the file log is compared with: appending the same number of bytes per record to files of the
 * same segment size with nothing but a {@link FileChannel}. Three modes mirror the store's fsync policies:
 *
 * <ul>
 *   <li>{@code ALWAYS}: each caller writes its record and forces, one caller at a time (the raw write+force loop);
 *   <li>{@code GROUP_COMMIT}: callers hand their record to one writer thread that takes every waiting record, writes
 *       them with one write and forces once (the raw group-commit loop);
 *   <li>{@code NONE}: each caller writes its record, one at a time, never forcing.
 * </ul>
 *
 * No validation, encoding, checksum or index: what remains is the cost of the system calls and the device.
 */
final class RawLog implements AutoCloseable {
    private final Path directory;
    private final String mode;
    private final long segmentSize;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private FileChannel channel;
    private long size;
    private int segment;
    private volatile boolean closed;

    private record Pending(byte[] record, CompletableFuture<Void> done) {}

    RawLog(Path directory, String mode, long segmentSize) throws IOException {
        this.directory = directory;
        this.mode = mode;
        this.segmentSize = segmentSize;
        Files.createDirectories(directory);
        roll();
        writer = new Thread(this::groupLoop, "raw-group-commit");
        writer.setDaemon(true);
        if (mode.equals("GROUP_COMMIT")) {
            writer.start();
        }
    }

    /** Appends one record; returns when it reached this mode's durability point. */
    void append(byte[] record) {
        if (mode.equals("GROUP_COMMIT")) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue.add(new Pending(record, done));
            done.join();
            return;
        }
        synchronized (this) {
            try {
                write(ByteBuffer.wrap(record));
                if (mode.equals("ALWAYS")) {
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void groupLoop() {
        List<Pending> batch = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
        try {
            while (!closed) {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4095);
                buf.clear();
                for (Pending p : batch) {
                    if (buf.remaining() < p.record.length) {
                        buf.flip();
                        write(buf);
                        buf.clear();
                    }
                    buf.put(p.record);
                }
                buf.flip();
                write(buf);
                channel.force(false);
                batch.forEach(p -> p.done.complete(null));
                batch.clear();
            }
        } catch (IOException | InterruptedException e) {
            batch.forEach(p -> p.done.completeExceptionally(e));
        }
    }

    private void write(ByteBuffer buf) throws IOException {
        if (size + buf.remaining() > segmentSize) {
            roll();
        }
        while (buf.hasRemaining()) {
            size += channel.write(buf, size);
        }
    }

    /**
     * A new file, like the store's segment roll; the old one is forced and kept, so the kernel writes back the same
     * amount of data as for the store (deleting it would drop its dirty pages for free).
     */
    private void roll() throws IOException {
        if (channel != null) {
            if (!mode.equals("NONE")) {
                channel.force(false);
            }
            channel.close();
        }
        channel = FileChannel.open(
                file(segment++), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = 0;
    }

    private Path file(int n) {
        return directory.resolve("raw-" + n + ".log");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channel.close();
    }
}
