package dev.scaleplane.adapters.webhooks.internal;

import dev.scaleplane.api.adapters.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Proofs of origin, compared in constant time ({@link MessageDigest#isEqual}) so that response times tell an attacker
 * nothing about how much of a guess was right. Stateless and thread-safe.
 */
public final class Signatures {
    private static final String PREFIX = "sha256=";

    private Signatures() {}

    /** HMAC-SHA256 of {@code body} keyed with the UTF-8 bytes of {@code secret}. */
    public static byte[] hmacSha256(Secret secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    /**
     * Checks a {@code sha256=<hex>} header (GitHub's {@code X-Hub-Signature-256}, Jira's {@code X-Hub-Signature} in the
     * WebSub {@code method=signature} form) against the body.
     *
     * @param headerName for the reason, e.g. {@code X-Hub-Signature-256}
     * @param header the header's value, or null when absent
     * @return null when the signature matches, else why not; the reason never holds the secret or the signature
     */
    public static @Nullable String checkSha256Header(
            String headerName, @Nullable String header, Secret secret, byte[] body) {
        if (header == null || header.isBlank()) {
            return "missing " + headerName + " header";
        }
        String value = header.trim();
        int eq = value.indexOf('=');
        if (eq <= 0 || !value.substring(0, eq + 1).toLowerCase(Locale.ROOT).equals(PREFIX)) {
            String method = eq > 0 ? value.substring(0, eq) : "";
            return headerName + " is not of the form sha256=<hex>"
                    + (method.matches("[A-Za-z0-9-]{1,16}") ? " (method '" + method + "' is not supported)" : "");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            return headerName + " is not of the form sha256=<hex>";
        }
        return MessageDigest.isEqual(hmacSha256(secret, body), given)
                ? null
                : headerName + " does not match the body (a wrong secret, or a body changed on the way)";
    }

    /**
     * Whether {@code given} equals the secret. Both are hashed first, so the comparison takes the same time whatever
     * the lengths (comparing the raw values would leak the secret's length).
     */
    public static boolean tokenMatches(@Nullable String given, Secret secret) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(
                sha256(given.getBytes(StandardCharsets.UTF_8)),
                sha256(secret.reveal().getBytes(StandardCharsets.UTF_8)));
    }

    /** SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /**
     * {@code sha256:<hex>} of the body: the delivery id of last resort, for senders that sent none. A retry carries
     * the same body, so it gets the same id.
     */
    public static String bodyId(byte[] body) {
        return "sha256:" + HexFormat.of().formatHex(sha256(body));
    }
}
