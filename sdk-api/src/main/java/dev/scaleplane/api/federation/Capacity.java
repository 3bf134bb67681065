package dev.scaleplane.api.federation;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * Schedulable resources of a cluster (or what one replica requests): CPU in millicores, memory in bytes, and pods.
 *
 * @param cpuMillis CPU in millicores ({@code 1000} = one core), {@code >= 0}
 * @param memoryBytes memory in bytes, {@code >= 0}
 * @param pods pods, {@code >= 0}
 */
public record Capacity(long cpuMillis, long memoryBytes, long pods) {

    /** Nothing. */
    public static final Capacity ZERO = new Capacity(0, 0, 0);

    /** Validates that no amount is negative. */
    public Capacity {
        if (cpuMillis < 0 || memoryBytes < 0 || pods < 0) {
            throw new IllegalArgumentException("capacity amounts must be >= 0, but were cpuMillis=" + cpuMillis
                    + ", memoryBytes=" + memoryBytes + ", pods=" + pods);
        }
    }

    /**
     * Capacity from Kubernetes quantities, e.g. {@code of("8", "32Gi", 110)} or {@code of("500m", "512Mi", 1)}.
     *
     * @throws IllegalArgumentException naming the quantity that does not parse
     */
    public static Capacity of(String cpu, String memory, long pods) {
        return new Capacity(cpuMillis(cpu), bytes(memory), pods);
    }

    /** CPU of a Kubernetes quantity in millicores: {@code "2"} is 2000, {@code "250m"} 250, {@code "0.5"} 500. */
    public static long cpuMillis(String quantity) {
        Objects.requireNonNull(quantity, "quantity");
        String q = quantity.trim();
        try {
            if (q.endsWith("m")) {
                return new BigDecimal(q.substring(0, q.length() - 1)).longValueExact();
            }
            if (q.endsWith("k")) {
                return new BigDecimal(q.substring(0, q.length() - 1))
                        .movePointRight(6)
                        .longValue();
            }
            return new BigDecimal(q)
                    .movePointRight(3)
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "cpu quantity must look like '2', '0.5' or '250m', but was '" + quantity + "'", e);
        }
    }

    /** Bytes of a Kubernetes quantity: {@code "512Mi"}, {@code "8Gi"}, {@code "1G"}, {@code "1000"}. */
    public static long bytes(String quantity) {
        Objects.requireNonNull(quantity, "quantity");
        String q = quantity.trim();
        String[][] suffixes = {
            {"Ki", "1024"},
            {"Mi", "1048576"},
            {"Gi", "1073741824"},
            {"Ti", "1099511627776"},
            {"Pi", "1125899906842624"},
            {"k", "1000"},
            {"K", "1000"},
            {"M", "1000000"},
            {"G", "1000000000"},
            {"T", "1000000000000"},
            {"P", "1000000000000000"}
        };
        try {
            for (String[] s : suffixes) {
                if (q.endsWith(s[0])) {
                    return new BigDecimal(q.substring(0, q.length() - s[0].length()))
                            .multiply(new BigDecimal(s[1]))
                            .setScale(0, java.math.RoundingMode.CEILING)
                            .longValueExact();
                }
            }
            return new BigDecimal(q.toLowerCase(Locale.ROOT))
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "memory quantity must look like '512Mi', '8Gi', '1G' or '1000', but was '" + quantity + "'", e);
        }
    }

    /** This minus {@code other}, each amount floored at zero. */
    public Capacity minus(Capacity other) {
        return new Capacity(
                Math.max(0, cpuMillis - other.cpuMillis),
                Math.max(0, memoryBytes - other.memoryBytes),
                Math.max(0, pods - other.pods));
    }

    /** This plus {@code other}. */
    public Capacity plus(Capacity other) {
        return new Capacity(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, pods + other.pods);
    }

    /** This times {@code n}. */
    public Capacity times(long n) {
        return new Capacity(cpuMillis * n, memoryBytes * n, pods * n);
    }

    /**
     * How many units of {@code perUnit} fit in this capacity: the smallest quotient over the amounts {@code perUnit}
     * requests (an amount it requests as zero does not limit). {@link Long#MAX_VALUE} when it requests nothing.
     */
    public long fits(Capacity perUnit) {
        long n = Long.MAX_VALUE;
        if (perUnit.cpuMillis > 0) {
            n = Math.min(n, cpuMillis / perUnit.cpuMillis);
        }
        if (perUnit.memoryBytes > 0) {
            n = Math.min(n, memoryBytes / perUnit.memoryBytes);
        }
        if (perUnit.pods > 0) {
            n = Math.min(n, pods / perUnit.pods);
        }
        return n;
    }

    @Override
    public String toString() {
        return "cpu=" + cpuMillis + "m memory=" + (memoryBytes / (1024 * 1024)) + "Mi pods=" + pods;
    }
}
