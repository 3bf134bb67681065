package dev.scaleplane.api.adapters.secrets;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which version of a secret to read: the latest, a pinned version (Vault's version number, AWS's version id, a
 * Kubernetes Secret's resourceVersion), or a stage (AWS {@code AWSCURRENT}, {@code AWSPREVIOUS}).
 *
 * @param version the pinned version, or null
 * @param stage the stage, or null; at most one of the two is set
 */
public record SecretSelector(@Nullable String version, @Nullable String stage) {
    private static final SecretSelector LATEST = new SecretSelector(null, null);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if both are set or one is blank
     */
    public SecretSelector {
        if (version != null && stage != null) {
            throw new IllegalArgumentException(
                    "select a version or a stage, not both ('" + version + "', '" + stage + "')");
        }
        if ((version != null && version.isBlank()) || (stage != null && stage.isBlank())) {
            throw new IllegalArgumentException("a secret version or stage must not be blank");
        }
    }

    /** The latest version. */
    public static SecretSelector latest() {
        return LATEST;
    }

    /** Version {@code version}. */
    public static SecretSelector version(String version) {
        return new SecretSelector(Objects.requireNonNull(version, "version"), null);
    }

    /** The version carrying {@code stage}. */
    public static SecretSelector stage(String stage) {
        return new SecretSelector(null, Objects.requireNonNull(stage, "stage"));
    }

    /** Whether this selects the latest version. */
    public boolean isLatest() {
        return version == null && stage == null;
    }
}
