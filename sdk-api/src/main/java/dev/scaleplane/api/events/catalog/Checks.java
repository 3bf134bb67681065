package dev.scaleplane.api.events.catalog;

import java.time.Duration;
import java.util.Objects;

final class Checks {
    private Checks() {}

    static void require(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, but was " + value);
        }
    }

    static void requireRatio(double value, String name) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a ratio in [0, 1], but was " + value);
        }
    }
}
