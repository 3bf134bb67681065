package dev.scaleplane.adapters.kubernetes.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Kubernetes Secret's address, written {@code namespace/name} as the adapter takes it.
 *
 * @param namespace the namespace, a DNS label
 * @param name the Secret's name, a DNS subdomain
 */
public record SecretName(String namespace, String name) {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * Validates both parts.
     *
     * @throws IllegalArgumentException naming the part, its value and what it must be
     */
    public SecretName {
        namespace(namespace, "namespace");
        name(name, "name");
    }

    /**
     * Parses {@code namespace/name}.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static SecretName parse(String text) {
        Objects.requireNonNull(text, "name");
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("a Kubernetes secret name must be 'namespace/name' (e.g."
                    + " 'payments/db-credentials'), but was '" + text + "'");
        }
        return new SecretName(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * Checks a namespace.
     *
     * @throws IllegalArgumentException naming {@code field} and the value
     */
    public static String namespace(String value, String field) {
        Objects.requireNonNull(value, field);
        if (!DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a Kubernetes namespace (a DNS label: lower-case"
                    + " letters, digits and '-', at most 63 characters), but was '" + value + "'");
        }
        return value;
    }

    /**
     * Checks a Secret's name.
     *
     * @throws IllegalArgumentException naming {@code field} and the value
     */
    public static String name(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a Kubernetes object name (a DNS subdomain: lower-case"
                    + " letters, digits, '-' and '.', at most 253 characters), but was '" + value + "'");
        }
        return value;
    }

    /** The API path of the Secret, for error facts. */
    public String path() {
        return "/api/v1/namespaces/" + namespace + "/secrets/" + name;
    }

    /** {@code namespace/name}. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
