package dev.scaleplane.adapters.aws.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;

/**
 * How a Secrets Manager secret value becomes fields and back.
 *
 * <ul>
 *   <li>A {@code SecretString} that is a JSON object (what the console's key/value editor and RDS write) becomes one
 *       field per member: a string as it is, a number or boolean as its JSON text ({@code 5432}, {@code true}), a
 *       nested object or array as its JSON text. A {@code null} or empty member is left out, as a {@link Secret} is
 *       never blank.
 *   <li>Any other {@code SecretString} is one field, {@link SecretVersion#VALUE}, the whole string.
 *   <li>A {@code SecretBinary} is one field, {@link SecretVersion#VALUE}, the bytes in standard base64.
 *   <li>Writing always sends a JSON object {@code SecretString} of string members, one per field (also for a single
 *       field named {@code value}), so what is written reads back as the same fields.
 * </ul>
 *
 * Parse failures are never reported with their text: a string that is not a JSON object is simply a single value.
 * Stateless and thread-safe.
 */
final class SecretFields {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SecretFields() {}

    /** The version read: fields from the string or the binary, the rest as AWS answered. */
    static SecretVersion version(
            String name,
            String versionId,
            @Nullable String secretString,
            @Nullable SdkBytes secretBinary,
            List<String> stages,
            @Nullable Instant createdDate) {
        return new SecretVersion(name, versionId, fields(secretString, secretBinary), Set.copyOf(stages), createdDate);
    }

    static Map<String, Secret> fields(@Nullable String secretString, @Nullable SdkBytes secretBinary) {
        Map<String, Secret> data = new TreeMap<>();
        if (secretString != null) {
            ObjectNode object = object(secretString);
            if (object == null) {
                if (!secretString.isBlank()) {
                    data.put(SecretVersion.VALUE, Secret.of(secretString));
                }
                return data;
            }
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                JsonNode v = e.getValue();
                String text = v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
                if (text != null && !text.isBlank()) {
                    data.put(e.getKey(), Secret.of(text));
                }
            }
        } else if (secretBinary != null && secretBinary.asByteArrayUnsafe().length > 0) {
            data.put(
                    SecretVersion.VALUE,
                    Secret.of(Base64.getEncoder().encodeToString(secretBinary.asByteArrayUnsafe())));
        }
        return data;
    }

    /** The {@code SecretString} to write: a JSON object of the fields, sorted by name. */
    static String secretString(Map<String, Secret> data) {
        ObjectNode object = JSON.createObjectNode();
        new TreeMap<>(data).forEach((k, v) -> object.put(k, v.reveal()));
        try {
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            // Writing a tree of strings cannot fail; the message would not hold a value anyway.
            throw new IllegalStateException("cannot write the secret's fields as JSON", e);
        }
    }

    private static @Nullable ObjectNode object(String s) {
        String t = s.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(t);
            return node instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }
}
