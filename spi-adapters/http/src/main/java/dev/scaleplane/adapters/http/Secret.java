package dev.scaleplane.adapters.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A credential value (token, password, API key, private key). {@link #toString()} never shows it, so a secret can sit
 * in records, settings and log statements without leaking; only {@link #reveal()} returns it, at the point where it
 * goes on the wire.
 *
 * <p>Immutable and thread-safe. Equality is by value, so that two clients given the same token share one
 * {@linkplain RateLimitGovernor rate budget}.
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

    /** The secret itself: use only to put it on the wire. */
    public String reveal() {
        return value;
    }

    /**
     * A short, stable, non-reversible identity of the value (the first 16 hex digits of its SHA-256): keys rate
     * budgets per credential without keeping the credential in a map key or a metric tag.
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
        return o instanceof Secret s && MessageDigest.isEqual(bytes(), s.bytes());
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

    private byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
