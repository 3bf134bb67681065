package dev.scaleplane.adapters.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.adapters.vault.VaultVersionDeletedException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a deleted or destroyed version from a missing secret. Vault answers a read of either with 404, but for a
 * version that exists it sends the version's metadata ({@code data.metadata} with {@code deletion_time} and {@code
 * destroyed}, the plugin's {@code pathDataRead}); that answer becomes a {@link VaultVersionDeletedException}. Every
 * other response passes through for the plumbing to map.
 *
 * <p>An application interceptor: it sees each call once, after retries, so metrics and logs have seen the 404 as sent.
 * Stateless and thread-safe.
 */
final class DeletedVersions implements Interceptor {

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        AdapterResponse response = chain.proceed(request);
        if (response.status() != 404
                || !request.method().equals("GET")
                || !request.pathTemplate().equals(VaultKv.DATA_TEMPLATE)) {
            return response;
        }
        JsonNode metadata;
        try {
            metadata = response.json().path("data").path("metadata");
        } catch (RuntimeException e) {
            return response; // not Vault's JSON: an ordinary 404
        }
        if (!metadata.path("version").canConvertToLong()
                || metadata.path("version").asLong() <= 0) {
            return response;
        }
        long version = metadata.path("version").asLong();
        boolean destroyed = metadata.path("destroyed").asBoolean(false);
        Instant deleted = instant(metadata.path("deletion_time"));
        String message = destroyed
                ? "version " + version + " was destroyed: its data is gone; read another version"
                : "version " + version + " was deleted" + (deleted != null ? " at " + deleted : "")
                        + "; undelete it (POST .../undelete/<path>) or read another version";
        AdapterCallFacts facts = new AdapterCallFacts(
                chain.system(), chain.instance(), request.method(), path(request), response.status(), null, message);
        throw new VaultVersionDeletedException(facts, version, deleted, destroyed);
    }

    /** The path without scheme, host or query, as every adapter exception shows it. */
    private static String path(AdapterRequest request) {
        String p = request.path();
        return p.startsWith("http://") || p.startsWith("https://")
                ? URI.create(p).getRawPath()
                : p;
    }

    /** Vault's RFC 3339 times with nanoseconds; {@code ""} for none. */
    static @Nullable Instant instant(JsonNode node) {
        if (!node.isTextual() || node.asText().isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
