package dev.scaleplane.api.adapters.secrets;

import java.time.Instant;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One version of a secret: its fields (Vault KV data, a Kubernetes Secret's data, an AWS secret's JSON fields or its
 * whole string under {@link #VALUE}), never shown by {@link #toString()}.
 *
 * @param name the secret's name as the adapter takes it (a Vault path under the mount, an AWS name, {@code
 *     namespace/name} in Kubernetes)
 * @param version the system's version (Vault version number, AWS version id, Kubernetes resourceVersion)
 * @param data the fields, by name
 * @param stages the stages carried (AWS), empty elsewhere
 * @param createdAt when this version was created, or null if the system does not say
 */
public record SecretVersion(
        String name, String version, Map<String, Secret> data, Set<String> stages, @Nullable Instant createdAt) {

    /** The field name of a secret that is one string (an AWS {@code SecretString} that is not a JSON object). */
    public static final String VALUE = "value";

    /** Copies the fields and stages. */
    public SecretVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        data = Map.copyOf(data);
        stages = Set.copyOf(stages);
    }

    /**
     * The field {@code field}.
     *
     * @throws NoSuchElementException naming the fields there are (never their values)
     */
    public Secret field(String field) {
        Secret s = data.get(field);
        if (s == null) {
            throw new NoSuchElementException("secret " + name + " (version " + version + ") has no field '" + field
                    + "'; its fields are " + new TreeMap<>(data).keySet());
        }
        return s;
    }

    /**
     * The only field, for a secret that is one value.
     *
     * @throws IllegalStateException naming the fields if there are several
     */
    public Secret value() {
        if (data.size() != 1) {
            throw new IllegalStateException("secret " + name + " has " + data.size() + " fields "
                    + new TreeMap<>(data).keySet() + "; read one with field(name)");
        }
        return data.values().iterator().next();
    }

    /** Names and versions only. */
    @Override
    public String toString() {
        return "SecretVersion[" + name + " v" + version + ", fields=" + new TreeMap<>(data).keySet() + ", stages="
                + stages + "]";
    }
}
