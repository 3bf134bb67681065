package dev.scaleplane.api.federation;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation of names shared by the federation value types: one rule, one message shape. */
final class Names {
    /** A DNS-1123 label: what Kubernetes accepts as a namespace or cluster name. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A label key: optional DNS prefix and a name of 1-63 characters. */
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    /** A label value: empty or 1-63 characters. */
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private Names() {}

    static String dnsLabel(String value, String field) {
        Objects.requireNonNull(value, field);
        if (!DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a DNS label (1-63 of a-z 0-9 -, starting and ending"
                    + " with a letter or digit), but was '" + value + "'");
        }
        return value;
    }

    static String labelKey(String key, String field) {
        Objects.requireNonNull(key, field);
        if (!LABEL_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException(field
                    + " must be a Kubernetes label key such as 'tier' or 'example.com/tier', but was '" + key + "'");
        }
        return key;
    }

    static String labelValue(String value, String field) {
        Objects.requireNonNull(value, field);
        if (!LABEL_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    field + " must be a Kubernetes label value (empty or 1-63 of A-Z a-z 0-9 - _ .), but was '" + value
                            + "'");
        }
        return value;
    }

    static Map<String, String> labels(Map<String, String> labels, String field) {
        Objects.requireNonNull(labels, field);
        labels.forEach((k, v) -> {
            labelKey(k, field + " key");
            labelValue(v, field + "[" + k + "]");
        });
        return Map.copyOf(labels);
    }

    static String notBlank(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }
}
