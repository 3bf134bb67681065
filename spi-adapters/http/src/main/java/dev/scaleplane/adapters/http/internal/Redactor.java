package dev.scaleplane.adapters.http.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Replaces credentials in what is logged by {@value #MASK}: headers that carry them ({@code Authorization}, {@code
 * PRIVATE-TOKEN}, cookies, CSRF crumbs, any name with token, key, secret or auth) and query parameters named like a
 * credential.
 */
public final class Redactor {
    public static final String MASK = "****";

    private static final List<String> SECRET_WORDS =
            List.of("token", "key", "secret", "password", "auth", "cookie", "crumb", "signature", "session");

    private Redactor() {}

    /** Whether a header or query parameter of this name carries a credential. */
    public static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains) || lower.equals("sig") || lower.equals("code");
    }

    /** {@code uri} with the values of secret-named query parameters masked. */
    public static String uri(URI uri) {
        String raw = uri.getRawQuery();
        String base = uri.toString();
        if (raw == null) {
            return base;
        }
        int q = base.indexOf('?');
        String masked = java.util.Arrays.stream(raw.split("&"))
                .map(p -> {
                    int eq = p.indexOf('=');
                    String name = eq < 0 ? p : p.substring(0, eq);
                    return eq >= 0 && isSecretName(name) ? name + "=" + MASK : p;
                })
                .collect(Collectors.joining("&"));
        return base.substring(0, q) + "?" + masked;
    }

    /** Headers as {@code {Name: value, ...}} with secret values masked. */
    public static String headers(Map<String, List<String>> headers) {
        return headers.entrySet().stream()
                .map(e -> e.getKey() + ": " + (isSecretName(e.getKey()) ? MASK : String.join(",", e.getValue())))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
