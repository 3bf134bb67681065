package dev.scaleplane.api.federation;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One RFC 6902 JSON Patch operation, applied to a manifest by a {@link ClusterOverride}.
 *
 * @param op {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy} or {@code test}
 * @param path a JSON Pointer, e.g. {@code /spec/template/spec/containers/0/resources}
 * @param value the value for {@code add}, {@code replace} and {@code test} (a JSON-like tree)
 * @param from the source pointer for {@code move} and {@code copy}
 */
public record JsonPatchOperation(String op, String path, @Nullable Object value, @Nullable String from) {

    /** Validates the operation name and the pointers. */
    public JsonPatchOperation {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(path, "path");
        if (!Set.of("add", "remove", "replace", "move", "copy", "test").contains(op)) {
            throw new IllegalArgumentException(
                    "JSON Patch op must be add, remove, replace, move, copy or test, but was '" + op + "'");
        }
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new IllegalArgumentException(
                    "JSON Patch path must be a JSON Pointer starting with '/', but was '" + path + "'");
        }
        if ((op.equals("move") || op.equals("copy")) && from == null) {
            throw new IllegalArgumentException("JSON Patch op " + op + " needs 'from'");
        }
    }

    /** {@code add} {@code value} at {@code path}. */
    public static JsonPatchOperation add(String path, Object value) {
        return new JsonPatchOperation("add", path, value, null);
    }

    /** {@code replace} the value at {@code path}. */
    public static JsonPatchOperation replace(String path, Object value) {
        return new JsonPatchOperation("replace", path, value, null);
    }

    /** {@code remove} the value at {@code path}. */
    public static JsonPatchOperation remove(String path) {
        return new JsonPatchOperation("remove", path, null, null);
    }
}
