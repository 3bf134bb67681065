package dev.scaleplane.api.tenants;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes quantities ({@code 4}, {@code 500m}, {@code 8Gi}, {@code 1e3}) parsed strictly, by the grammar of the
 * Kubernetes API ({@code resource.Quantity}): a non-negative decimal number and one optional suffix, binary
 * ({@code Ki Mi Gi Ti Pi Ei}), decimal ({@code n u m k M G T P E}) or a decimal exponent ({@code e3}, {@code E-2}).
 * Anything else, {@code 8GB} or {@code 4 cores} for example, is refused with the field named. The one parser of
 * quantities for tenants: the API validates with it and the quota watch compares with it.
 *
 * <p>Thread-safe; stateless.
 */
public final class Quantities {
    private static final Pattern QUANTITY =
            Pattern.compile("\\+?(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\\d+)?");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("n", new BigDecimal("1e-9")),
            Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")));

    private Quantities() {}

    /**
     * The value of {@code text} in base units (cores, bytes, objects).
     *
     * @param field the field the value belongs to, for the error
     * @throws InvalidTenantException naming the field and the value if {@code text} is not a non-negative Kubernetes
     *     quantity
     */
    public static BigDecimal parse(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null) {
            throw new InvalidTenantException(field, null, "a Kubernetes quantity is required, such as 4, 500m or 8Gi");
        }
        Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            throw new InvalidTenantException(
                    field,
                    text,
                    "expected a non-negative Kubernetes quantity: a number with at most one suffix of Ki Mi Gi Ti Pi"
                            + " Ei (binary), n u m k M G T P E (decimal) or an exponent e<n>, such as 4, 500m, 8Gi"
                            + " or 1e3 (not 8GB, 8 Gi or -1)");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return number;
        }
        if (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E') {
            return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        return number.multiply(SUFFIXES.get(suffix));
    }

    /** Whether {@code text} parses; see {@link #parse(String, String)}. */
    public static boolean isValid(String text) {
        return text != null && QUANTITY.matcher(text).matches();
    }
}
