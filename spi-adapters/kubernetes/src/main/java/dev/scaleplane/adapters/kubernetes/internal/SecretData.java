package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.adapters.secrets.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Secret's {@code data} (base64 of bytes) and the API's {@link Secret} values (text), both ways, and a fingerprint
 * that tells two data sets apart without keeping either.
 *
 * <p>{@link Secret} holds text and is never blank, so reading keeps only the fields whose bytes are UTF-8 and not
 * blank; the others are named in {@link Decoded#skipped()} (never their values).
 */
public final class SecretData {
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private SecretData() {}

    /**
     * The fields of a Secret read from the API.
     *
     * @param fields the fields kept, by name
     * @param skipped the names of fields left out (not UTF-8, or blank)
     */
    public record Decoded(Map<String, Secret> fields, List<String> skipped) {}

    /** Decodes {@code data} (null for a Secret without data). */
    public static Decoded decode(@Nullable Map<String, String> data) {
        Map<String, Secret> out = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        if (data != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
                String text = utf8(e.getValue());
                if (text == null || text.isBlank()) {
                    skipped.add(e.getKey());
                } else {
                    out.put(e.getKey(), Secret.of(text));
                }
            }
        }
        return new Decoded(out, skipped);
    }

    /**
     * Encodes fields as a Secret's {@code data}.
     *
     * @throws IllegalArgumentException naming a key that Kubernetes does not accept
     */
    public static Map<String, String> encode(Map<String, Secret> fields) {
        Objects.requireNonNull(fields, "data");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Secret> e : new TreeMap<>(fields).entrySet()) {
            key(e.getKey());
            Objects.requireNonNull(e.getValue(), "value of " + e.getKey());
            out.put(
                    e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().reveal().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /**
     * Checks a field name.
     *
     * @throws IllegalArgumentException naming it and the characters allowed
     */
    public static String key(String key) {
        if (key == null || key.length() > 253 || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a Kubernetes Secret field name must consist of letters, digits, '-',"
                    + " '_' and '.' (at most 253), but was '" + key + "'");
        }
        return key;
    }

    /**
     * A SHA-256 over the fields' names and bytes, as hex: equal for equal data, and no way back to it. Takes the
     * base64 {@code data} of a Secret as the API returns it (null for none).
     */
    public static String fingerprint(@Nullable Map<String, String> data) {
        MessageDigest d = sha256();
        if (data != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
                d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                byte[] bytes =
                        e.getValue() == null ? new byte[0] : Base64.getDecoder().decode(e.getValue());
                d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                d.update(bytes);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static @Nullable String utf8(@Nullable String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
