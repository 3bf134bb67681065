package dev.scaleplane.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsing of setting values, shared by {@link ScaleplaneProperties} and {@link ConfigReader}. */
final class Values {

    static final String INTEGER = "an integer";
    static final String BOOLEAN = "true or false";
    static final String DURATION =
            "a duration: ISO-8601 (PT5S) or a whole number with unit ms, s, m, h or d (250ms, 5s)";

    private Values() {}

    /** @throws IllegalArgumentException if not an int */
    static int parseInt(String value) {
        return Integer.parseInt(value.trim());
    }

    /** @throws IllegalArgumentException if not a long */
    static long parseLong(String value) {
        return Long.parseLong(value.trim());
    }

    /** @throws IllegalArgumentException if not {@code true} or {@code false} in any case */
    static boolean parseBoolean(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + value);
    }

    /**
     * Parses ISO-8601 ({@code PT5S}, {@code P1D}, any case) or a whole number with a unit suffix, optionally separated
     * by spaces: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. A bare number is rejected: its unit would be
     * a guess.
     *
     * @throws IllegalArgumentException if neither form matches or the value overflows
     */
    static Duration parseDuration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p") || v.startsWith("-p") || v.startsWith("+p")) {
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration: " + value, e);
            }
        }
        int end = v.length();
        int unitStart = end;
        while (unitStart > 0 && Character.isLetter(v.charAt(unitStart - 1))) {
            unitStart--;
        }
        String unit = v.substring(unitStart);
        String number = v.substring(0, unitStart).trim();
        if (number.isEmpty() || unit.isEmpty()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        long amount = Long.parseLong(number);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown duration unit '" + unit + "' in " + value);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: " + value, e);
        }
    }

    /** A short human form of a duration for messages: {@code 250ms}, {@code 5s}, {@code 1h}, else ISO-8601. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long millis;
        try {
            millis = d.toMillis();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (Duration.ofMillis(millis).equals(d)) {
            if (millis % 86_400_000L == 0) {
                return millis / 86_400_000L + "d";
            }
            if (millis % 3_600_000L == 0) {
                return millis / 3_600_000L + "h";
            }
            if (millis % 60_000L == 0) {
                return millis / 60_000L + "m";
            }
            if (millis % 1000L == 0) {
                return millis / 1000L + "s";
            }
            return millis + "ms";
        }
        return d.toString();
    }
}
