package dev.scaleplane.api.federation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Kubernetes object to propagate, of any kind (built-in or custom resource), as a JSON-like tree: maps with
 * string keys, lists, strings, numbers, booleans and nulls, as a JSON parser produces them. Backends convert it to
 * their client's types ({@code scaleplane-federation-kubernetes} offers conversions from fabric8 objects and YAML).
 *
 * <p>Immutable: the tree is deep-copied into unmodifiable collections.
 */
public final class Manifest {
    private final Map<String, Object> tree;

    private Manifest(Map<String, Object> tree) {
        this.tree = tree;
    }

    /**
     * A manifest from a JSON-like tree.
     *
     * @throws IllegalArgumentException if {@code apiVersion}, {@code kind} or {@code metadata.name} is missing, or
     *     the tree holds a value that is not JSON-like
     */
    @SuppressWarnings("unchecked")
    public static Manifest of(Map<String, ?> tree) {
        Objects.requireNonNull(tree, "tree");
        Map<String, Object> copy = (Map<String, Object>) copy(tree, "");
        Manifest m = new Manifest(copy);
        if (!(copy.get("apiVersion") instanceof String) || !(copy.get("kind") instanceof String)) {
            throw new IllegalArgumentException("a manifest needs string fields apiVersion and kind, but had "
                    + copy.get("apiVersion") + " and " + copy.get("kind"));
        }
        if (m.name().isEmpty()) {
            throw new IllegalArgumentException("manifest " + m.kind() + " needs metadata.name");
        }
        return m;
    }

    private static Object copy(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("manifest keys must be strings, but " + path + " had " + k);
                }
                out.put(key, copy(v, path + "." + key));
            });
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(copy(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("manifest values must be JSON-like (map, list, string, number, boolean,"
                + " null), but " + path + " was a " + value.getClass().getName());
    }

    /** The whole tree, unmodifiable. */
    public Map<String, Object> tree() {
        return tree;
    }

    /** {@code apiVersion}, e.g. {@code apps/v1}. */
    public String apiVersion() {
        return (String) tree.get("apiVersion");
    }

    /** {@code kind}, e.g. {@code Deployment}. */
    public String kind() {
        return (String) tree.get("kind");
    }

    /** {@code metadata.name}. */
    public String name() {
        return metadataString("name");
    }

    /** {@code metadata.namespace}; empty for cluster-scoped objects or the default namespace. */
    public String namespace() {
        return metadataString("namespace");
    }

    /** {@code kind/namespace/name} (or {@code kind/name}), for messages and keys. */
    public String id() {
        String ns = namespace();
        return kind() + "/" + (ns.isEmpty() ? "" : ns + "/") + name();
    }

    private String metadataString(String field) {
        Object metadata = tree.get("metadata");
        if (metadata instanceof Map<?, ?> m && m.get(field) instanceof String s) {
            return s;
        }
        return "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && tree.equals(m.tree);
    }

    @Override
    public int hashCode() {
        return tree.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest{" + apiVersion() + " " + id() + "}";
    }
}
