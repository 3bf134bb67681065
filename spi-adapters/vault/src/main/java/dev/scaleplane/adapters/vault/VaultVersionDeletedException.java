package dev.scaleplane.adapters.vault;

import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The version of a KV v2 secret that was read exists but holds no data any more: it was deleted (soft: {@code POST
 * /v1/<mount>/undelete/<path>} brings it back) or destroyed (its data is gone for good). Vault answers such a read with
 * 404 and the version's metadata, so this is an {@link AdapterNotFoundException} for callers that only care whether
 * there is something to read, with the facts for those that care why.
 *
 * <p>Carries the version number and its deletion time, never data.
 */
public final class VaultVersionDeletedException extends AdapterNotFoundException {
    private static final long serialVersionUID = 1L;

    private final long version;
    private final @Nullable Instant deletionTime;
    private final boolean destroyed;

    /**
     * Creates the exception.
     *
     * @param facts the failed read; its server message says what happened to the version
     * @param version the version read
     * @param deletionTime when it was deleted, or null if Vault did not say
     * @param destroyed whether its data was destroyed
     */
    public VaultVersionDeletedException(
            AdapterCallFacts facts, long version, @Nullable Instant deletionTime, boolean destroyed) {
        super(Objects.requireNonNull(facts, "facts"), null);
        this.version = version;
        this.deletionTime = deletionTime;
        this.destroyed = destroyed;
    }

    /** The version that was read. */
    public long version() {
        return version;
    }

    /** When the version was deleted, or null if Vault did not say (a destroyed version may have none). */
    public @Nullable Instant deletionTime() {
        return deletionTime;
    }

    /** Whether the version's data was destroyed, beyond recovery; otherwise it can be undeleted. */
    public boolean destroyed() {
        return destroyed;
    }
}
