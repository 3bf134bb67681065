package dev.scaleplane.api.adapters.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A secret value (a password, a token, an API key, a private key, a secret's field). {@link #toString()} never shows
 * it, so a secret can sit in records, settings, log statements and exception messages without leaking; only {@link
 * #reveal()} returns it, where it must be used (on the wire, in a Kubernetes Secret's data).
 *
 * <p>Immutable and thread-safe. Equality is by value, compared in constant time.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps {@code value}.
     *
     * @throws IllegalArgumentException if it is blank
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be blank");
        }
        return new Secret(value);
    }

    /** The secret itself: use only where it must go. */
    public String reveal() {
        return value;
    }

    /**
     * A short, stable, non-reversible identity of the value (the first 16 hex digits of its SHA-256): tells versions
     * apart, keys rate budgets per credential, without keeping the value in a map key, a metric tag or a log line.
     */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Always {@code ****}. */
    @Override
    public String toString() {
        return "****";
    }
}
