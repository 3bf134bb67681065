package dev.scaleplane.adapters.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads Vault's error bodies: {@code {"errors": ["message", ...]}} on every status >= 400 (Vault's HTTP API, "Error
 * response"), where a message may be a Go multierror ({@code "2 errors occurred:\n\t* permission denied\n\t* invalid
 * token\n\n"}). Stateless.
 */
final class VaultErrors {
    private static final int MAX_MESSAGE = 300;

    private VaultErrors() {}

    /** The messages of {@code response}, whitespace collapsed; empty for a body without them. */
    static List<String> messages(AdapterResponse response) {
        List<String> out = new ArrayList<>();
        JsonNode errors;
        try {
            errors = response.json().path("errors");
        } catch (RuntimeException e) {
            return out;
        }
        for (JsonNode e : errors) {
            if (e.isTextual() && !e.asText().isBlank()) {
                out.add(e.asText().replaceAll("\\s+", " ").strip());
            }
        }
        return out;
    }

    /** The messages joined by {@code ; }, truncated, or null when there are none. */
    static @Nullable String message(AdapterResponse response) {
        List<String> messages = messages(response);
        if (messages.isEmpty()) {
            return null;
        }
        String joined = String.join("; ", messages);
        return joined.length() <= MAX_MESSAGE ? joined : joined.substring(0, MAX_MESSAGE) + "...";
    }

    /**
     * Whether Vault refused the token itself (revoked, expired, unknown), which it says with {@code invalid token}
     * next to {@code permission denied}; a token lacking a policy gets {@code permission denied} alone.
     */
    static boolean invalidToken(AdapterResponse response) {
        return response.status() == 403
                && messages(response).stream()
                        .anyMatch(m -> m.toLowerCase(Locale.ROOT).contains("invalid token"));
    }
}
