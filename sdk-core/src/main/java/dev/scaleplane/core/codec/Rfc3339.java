package dev.scaleplane.core.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

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
        int n = text.length();
        if (n < 20
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || (text.charAt(10) != 'T' && text.charAt(10) != 't')
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            throw invalid(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int pos = 19;
        int nanos = 0;
        if (text.charAt(pos) == '.') {
            pos++;
            int start = pos;
            while (pos < n && isDigit(text.charAt(pos))) {
                if (pos - start < 9) {
                    nanos = nanos * 10 + (text.charAt(pos) - '0');
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
        char zone = text.charAt(pos);
        int offsetSeconds;
        if ((zone == 'Z' || zone == 'z') && pos + 1 == n) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && pos + 6 == n && text.charAt(pos + 3) == ':') {
            int offsetHours = number(text, pos + 1, 2);
            int offsetMinutes = number(text, pos + 4, 2);
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

    private static int number(String text, int start, int length) {
        int value = 0;
        for (int i = start; i < start + length; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                throw invalid(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
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
