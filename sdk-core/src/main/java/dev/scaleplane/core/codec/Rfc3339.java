package dev.scaleplane.core.codec;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * RFC 3339 timestamps ({@code 2018-04-05T17:31:00Z}) without {@link DateTimeFormatter} on the hot path: formatting and
 * parsing by hand is several times faster, and every encoded or decoded event carries a {@code time}.
 */
final class Rfc3339 {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range RFC 3339's four-digit year can express. */
    private static final long MIN_SECOND = -62167219200L;

    private static final long MAX_SECOND = 253402300799L;

    private Rfc3339() {}

    /**
     * Formats like {@link Instant#toString()} (UTC, {@code Z}, fraction in groups of three digits, none when zero).
     * Instants outside years 0000-9999 fall back to ISO-8601's expanded years, which RFC 3339 cannot express.
     */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        int nanos = instant.getNano();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        char[] buf = new char[30];
        int year = date.getYear();
        buf[0] = digit(year / 1000);
        buf[1] = digit(year / 100 % 10);
        buf[2] = digit(year / 10 % 10);
        buf[3] = digit(year % 10);
        buf[4] = '-';
        two(buf, 5, date.getMonthValue());
        buf[7] = '-';
        two(buf, 8, date.getDayOfMonth());
        buf[10] = 'T';
        two(buf, 11, secondOfDay / 3600);
        buf[13] = ':';
        two(buf, 14, secondOfDay / 60 % 60);
        buf[16] = ':';
        two(buf, 17, secondOfDay % 60);
        int pos = 19;
        if (nanos != 0) {
            buf[pos++] = '.';
            int digits;
            int value;
            if (nanos % 1_000_000 == 0) {
                digits = 3;
                value = nanos / 1_000_000;
            } else if (nanos % 1_000 == 0) {
                digits = 6;
                value = nanos / 1_000;
            } else {
                digits = 9;
                value = nanos;
            }
            for (int i = digits - 1; i >= 0; i--) {
                buf[pos + i] = digit(value % 10);
                value /= 10;
            }
            pos += digits;
        }
        buf[pos++] = 'Z';
        return new String(buf, 0, pos);
    }

    /**
     * Parses an RFC 3339 {@code date-time}: {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)}, with {@code T}
     * and {@code Z} in either case. Fractions beyond nanoseconds are truncated; a leap second ({@code :60}) is read
     * as the first instant of the next minute, since {@link Instant} has no leap seconds.
     *
     * @throws DateTimeException if the text is not an RFC 3339 date-time
     */
    static Instant parse(String text) {
        // Latin-1 bytes of a compact string are one array copy. Any other character turns into '?', which no form
        // holds, so both parsers reject such text, and the error names the text as given.
        byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1);
        Instant canonical = parseCanonical(latin1);
        return canonical != null ? canonical : parseFull(latin1, text);
    }

    /**
     * Parses an RFC 3339 {@code date-time} given as UTF-8 bytes (a binary-mode header value), as
     * {@link #parse(String)} does; only text that is not in the canonical form is turned into a string first.
     *
     * @throws DateTimeException if the text is not an RFC 3339 date-time
     */
    static Instant parse(byte[] utf8) {
        Instant canonical = parseCanonical(utf8);
        return canonical != null ? canonical : parse(new String(utf8, StandardCharsets.UTF_8));
    }

    /** Shortest and longest canonical forms: no fraction, and nine fraction digits. */
    private static final int CANONICAL_MIN = 20;

    private static final int CANONICAL_MAX = 30;

    private static final int[] SCALE = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar, as {@code LocalDate} counts them. */
    private static final long DAYS_0000_TO_1970 = 719_528L;

    /**
     * The instant of the form {@link #format(Instant)} and every CloudEvents SDK writes,
     * {@code yyyy-MM-ddTHH:mm:ss[.1-9 digits]Z} with upper-case {@code T} and {@code Z} and no leap second, read
     * without building a {@code LocalDateTime}; null for anything else (offsets, lower case, {@code :60}, invalid
     * fields), which {@link #parseFull(String)} then reads or rejects with its usual error.
     */
    static @Nullable Instant parseCanonical(byte[] t) {
        int n = t.length;
        if (n < CANONICAL_MIN
                || n > CANONICAL_MAX
                || t[n - 1] != 'Z'
                || t[4] != '-'
                || t[7] != '-'
                || t[10] != 'T'
                || t[13] != ':'
                || t[16] != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        int nanos = 0;
        if (n > CANONICAL_MIN) {
            // A fraction: '.', then 1-9 digits up to the 'Z'.
            if (t[19] != '.' || n == CANONICAL_MIN + 1) {
                return null;
            }
            int fractionDigits = n - CANONICAL_MIN - 1;
            nanos = digits(t, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            nanos *= SCALE[9 - fractionDigits];
        }
        if ((year | month | day | hour | minute | second) < 0
                || month < 1
                || month > 12
                || day < 1
                || day > lengthOfMonth(year, month)
                || hour > 23
                || minute > 59
                || second > 59) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400L + hour * 3600 + minute * 60 + second, nanos);
    }

    /** The value of {@code length} ASCII digits, or -1 when one of them is not a digit. */
    private static int digits(byte[] t, int start, int length) {
        int value = 0;
        for (int i = start; i < start + length; i++) {
            int d = t[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** {@code LocalDate.of(year, month, day).toEpochDay()} for a valid date of years 0-9999, without the object. */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!isLeap(year)) {
                total--;
            }
        }
        return total - DAYS_0000_TO_1970;
    }

    /**
     * The parser of every RFC 3339 form; see {@link #parse(String)}.
     *
     * @param t the Latin-1 bytes of {@code text}
     */
    private static Instant parseFull(byte[] t, String text) {
        int n = t.length;
        if (n < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') {
            throw invalid(text);
        }
        int year = number(t, 0, 4, text);
        int month = number(t, 5, 2, text);
        int day = number(t, 8, 2, text);
        int hour = number(t, 11, 2, text);
        int minute = number(t, 14, 2, text);
        int second = number(t, 17, 2, text);
        int pos = 19;
        int nanos = 0;
        if (t[pos] == '.') {
            pos++;
            int start = pos;
            while (pos < n && t[pos] >= '0' && t[pos] <= '9') {
                if (pos - start < 9) {
                    nanos = nanos * 10 + (t[pos] - '0');
                }
                pos++;
            }
            int digits = pos - start;
            if (digits == 0) {
                throw invalid(text);
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (pos >= n) {
            throw invalid(text);
        }
        byte zone = t[pos];
        int offsetSeconds;
        if ((zone == 'Z' || zone == 'z') && pos + 1 == n) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && pos + 6 == n && t[pos + 3] == ':') {
            int offsetHours = number(t, pos + 1, 2, text);
            int offsetMinutes = number(t, pos + 4, 2, text);
            if (offsetHours > 23 || offsetMinutes > 59) {
                throw invalid(text);
            }
            offsetSeconds = (zone == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            throw invalid(text);
        }
        boolean leapSecond = second == 60;
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, leapSecond ? 59 : second, nanos);
        long epochSecond = local.toEpochSecond(ZoneOffset.UTC) - offsetSeconds + (leapSecond ? 1 : 0);
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    private static int number(byte[] t, int start, int length, String text) {
        int value = digits(t, start, length);
        if (value < 0) {
            throw invalid(text);
        }
        return value;
    }

    private static DateTimeException invalid(String text) {
        return new DateTimeException("not an RFC 3339 date-time: '" + text + "'");
    }

    private static char digit(int value) {
        return (char) ('0' + value);
    }

    private static void two(char[] buf, int pos, int value) {
        buf[pos] = digit(value / 10);
        buf[pos + 1] = digit(value % 10);
    }
}
