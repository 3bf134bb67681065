package dev.scaleplane.adapters.vault.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Vault paths: secret names, folders and mounts checked and encoded segment by segment, and requests built on them.
 *
 * <p>A Vault path keeps its slashes on the wire ({@code /v1/secret/data/apps/db}), while the plumbing's path templates
 * encode each variable as one segment. So a request is built on its template ({@code /{mount}/data/{path}}: the
 * metrics tag, with no secret names in it) and then pointed at the URI written here, each segment percent-encoded on
 * its own. Stateless.
 */
public final class VaultPaths {
    private VaultPaths() {}

    /**
     * A secret's name as the adapter sends it: without a leading {@code /}, its segments checked.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static String secretName(String name) {
        String n = stripLeading(name, "secret name");
        if (n.isEmpty() || n.endsWith("/")) {
            throw new IllegalArgumentException("a Vault secret name is a path such as apps/db, without a trailing /"
                    + " (that names a folder), but was '" + name + "'");
        }
        checkSegments(n, name, "secret name");
        return n;
    }

    /**
     * A folder as {@code list} takes it: without leading or trailing {@code /}; empty for the mount's root.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static String folder(String path) {
        String p = stripLeading(path, "folder");
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty()) {
            checkSegments(p, path, "folder");
        }
        return p;
    }

    /** Whether {@code mount} is a usable mount path: segments without {@code .}, {@code ..} or empty ones. */
    public static boolean validMount(String mount) {
        if (mount.isBlank() || mount.startsWith("/") || mount.endsWith("/")) {
            return false;
        }
        try {
            checkSegments(mount, mount, "mount");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code path} with each segment percent-encoded (spaces as {@code %20}), slashes kept. */
    public static String encode(String path) {
        if (path.isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            out.add(AdapterRequest.pathSegment(segment));
        }
        return String.join("/", out);
    }

    /**
     * A request for {@code method} on {@code <apiBase>/<mount>/<operation>/<path>}, e.g. {@code GET
     * /v1/secret/data/apps/db}: its metrics template is {@code /{mount}/<operation>/{path}}. An empty {@code path}
     * (a mount's root folder) ends the URI in {@code /<operation>/}.
     */
    public static AdapterRequest.Builder kv(String method, URI apiBase, String mount, String operation, String path) {
        String template = "/{mount}/" + operation + "/{path}";
        return AdapterRequest.builder(method, template, mount, path)
                .uri(URI.create(base(apiBase) + "/" + encode(mount) + "/" + operation + "/" + encode(path)));
    }

    /** A request for {@code method} on {@code <apiBase>/auth/<mount>/<endpoint>}, e.g. the Kubernetes login. */
    public static AdapterRequest.Builder auth(String method, URI apiBase, String mount, String endpoint) {
        return AdapterRequest.builder(method, "/auth/{mount}/" + endpoint, mount)
                .uri(URI.create(base(apiBase) + "/auth/" + encode(mount) + "/" + endpoint));
    }

    /** A request for {@code method} on the fixed path {@code <apiBase><path>}, e.g. {@code /auth/token/renew-self}. */
    public static AdapterRequest.Builder fixed(String method, URI apiBase, String path) {
        return AdapterRequest.builder(method, path).uri(URI.create(base(apiBase) + path));
    }

    private static String base(URI apiBase) {
        String s = apiBase.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String stripLeading(String value, String what) {
        if (value == null) {
            throw new NullPointerException(what);
        }
        String v = value;
        while (v.startsWith("/")) {
            v = v.substring(1);
        }
        return v;
    }

    /** Vault refuses empty, {@code .} and {@code ..} segments and paths ending in a period. */
    private static void checkSegments(String path, String given, String what) {
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "a Vault " + what + " must not hold empty, '.' or '..' segments," + " but was '" + given + "'");
            }
            if (segment.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(
                        "a Vault " + what + " must not hold control characters, but was '" + given.strip() + "'");
            }
        }
        if (path.endsWith(".")) {
            throw new IllegalArgumentException(
                    "a Vault " + what + " must not end in a period (Vault answers 404), but was '" + given + "'");
        }
    }
}
