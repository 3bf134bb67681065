package dev.scaleplane.api.capacity;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Unit prices for cost projections, in one currency: per CPU core-hour, per GiB-hour of memory and per node-hour (the
 * flat part of a node's price). A price that does not apply is zero.
 *
 * @param currency the currency's code, e.g. {@code EUR}
 * @param cpuHour price of one core for one hour
 * @param gibHour price of one GiB of memory for one hour
 * @param nodeHour price of one node for one hour, beyond its CPU and memory
 */
public record UnitPrices(String currency, BigDecimal cpuHour, BigDecimal gibHour, BigDecimal nodeHour) {

    /**
     * Validates.
     *
     * @throws InvalidCapacityInputException naming a price that is negative or a blank currency
     */
    public UnitPrices {
        if (currency == null || currency.isBlank()) {
            throw new InvalidCapacityInputException("prices.currency", currency, "a currency code such as EUR");
        }
        check("prices.cpuHour", cpuHour);
        check("prices.gibHour", gibHour);
        check("prices.nodeHour", nodeHour);
    }

    private static void check(String field, BigDecimal price) {
        Objects.requireNonNull(price, field);
        if (price.signum() < 0) {
            throw new InvalidCapacityInputException(field, price, "a price >= 0, such as 0.031");
        }
    }
}
