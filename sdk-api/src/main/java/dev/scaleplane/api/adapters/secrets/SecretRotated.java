package dev.scaleplane.api.adapters.secrets;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret has a new version: the payload of {@link SecretEvents#ROTATED}. Carries names and versions, never a value,
 * so it may go on any bus and into the audit trail.
 *
 * @param system the secrets system, e.g. {@code vault}
 * @param instance the adapter instance name
 * @param name the secret's name
 * @param version the new version
 * @param previousVersion the version it replaced, or null if the watch had not seen one
 * @param observedAt when the adapter noticed
 */
public record SecretRotated(
        String system,
        String instance,
        String name,
        String version,
        @Nullable String previousVersion,
        Instant observedAt) {

    /** Validates. */
    public SecretRotated {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
