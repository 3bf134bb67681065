package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.store.RetentionPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the file log.
 *
 * @param directory where the segments, the lock file live
 * @param fsync the durability point of an append
 * @param segmentSize bytes after which a new segment file starts
 * @param retention retention rules per category
 */
public record FileStoreSettings(Path directory, FsyncPolicy fsync, long segmentSize, RetentionPolicy retention) {
    /** Prefix of the file log's own keys. */
    public static final String PREFIX = "scaleplane.store.file.";
    /** Key of {@link #directory()}; relative paths resolve against the working directory. */
    public static final String DIRECTORY = PREFIX + "directory";
    /** Key of {@link #fsync()}: {@code always}, {@code group-commit} or {@code none}. */
    public static final String FSYNC = PREFIX + "fsync";
    /** Key of {@link #segmentSize()}, in bytes. */
    public static final String SEGMENT_SIZE = PREFIX + "segment-size";
    /** Default directory. */
    public static final String DEFAULT_DIRECTORY = ".scaleplane/store";
    /** Default segment size: {@value} bytes (64 MiB). */
    public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;

    /** Validates. */
    public FileStoreSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(retention, "retention");
        if (segmentSize < 4096) {
            throw new IllegalArgumentException("segmentSize must be >= 4096, but was " + segmentSize);
        }
    }

    /** Defaults in {@code directory}. */
    public static FileStoreSettings in(Path directory) {
        return new FileStoreSettings(directory, FsyncPolicy.GROUP_COMMIT, DEFAULT_SEGMENT_SIZE, RetentionPolicy.none());
    }

    /** A copy with another fsync policy. */
    public FileStoreSettings withFsync(FsyncPolicy fsync) {
        return new FileStoreSettings(directory, fsync, segmentSize, retention);
    }

    /** A copy with another segment size. */
    public FileStoreSettings withSegmentSize(long segmentSize) {
        return new FileStoreSettings(directory, fsync, segmentSize, retention);
    }

    /** A copy with other retention rules. */
    public FileStoreSettings withRetention(RetentionPolicy retention) {
        return new FileStoreSettings(directory, fsync, segmentSize, retention);
    }

    /**
     * Reads the settings, collecting every problem (unknown keys under {@value #PREFIX} and under
     * {@link RetentionPolicy#PREFIX} included).
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     */
    public static FileStoreSettings fromConfig(ConfigProperties config) {
        ConfigReader reader = new ConfigReader(config);
        String dir = reader.string(DIRECTORY, DEFAULT_DIRECTORY);
        Path directory = Path.of(DEFAULT_DIRECTORY);
        try {
            directory = Path.of(dir.trim());
        } catch (InvalidPathException e) {
            reader.check(false, DIRECTORY, dir, "a file system path");
        }
        reader.check(!dir.isBlank(), DIRECTORY, dir, "a non-empty file system path");
        FsyncPolicy fsync = reader.enumValue(FSYNC, FsyncPolicy.class, FsyncPolicy.GROUP_COMMIT);
        long segmentSize = reader.longValue(SEGMENT_SIZE, DEFAULT_SEGMENT_SIZE, 4096, 1L << 40);
        RetentionPolicy retention = RetentionPolicy.fromConfig(reader);
        reader.rejectUnknownKeys(PREFIX);
        reader.throwIfInvalid();
        return new FileStoreSettings(directory.toAbsolutePath(), fsync, segmentSize, retention);
    }
}
