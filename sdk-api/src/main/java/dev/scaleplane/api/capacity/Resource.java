package dev.scaleplane.api.capacity;

import dev.scaleplane.api.federation.Capacity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** A schedulable resource the planner projects: CPU (millicores), memory (bytes) or pods. */
public enum Resource {
    /** CPU in millicores. */
    CPU,
    /** Memory in bytes. */
    MEMORY,
    /** Pods. */
    PODS;

    private static final long GIB = 1024L * 1024 * 1024;

    /** This resource's amount in {@code capacity}: millicores, bytes or pods. */
    public long amount(Capacity capacity) {
        return switch (this) {
            case CPU -> capacity.cpuMillis();
            case MEMORY -> capacity.memoryBytes();
            case PODS -> capacity.pods();
        };
    }

    /** The lower-case name used in stream names, meters and tables: {@code cpu}, {@code memory}, {@code pods}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * An amount for people: CPU in cores ({@code 12.5}), memory in GiB ({@code 48Gi}, one decimal when not whole), pods
     * as a count.
     */
    public String format(long amount) {
        return switch (this) {
            case CPU -> BigDecimal.valueOf(amount, 3).stripTrailingZeros().toPlainString();
            case MEMORY -> BigDecimal.valueOf(amount)
                            .divide(BigDecimal.valueOf(GIB), 1, RoundingMode.HALF_UP)
                            .stripTrailingZeros()
                            .toPlainString()
                    + "Gi";
            case PODS -> Long.toString(amount);
        };
    }
}
