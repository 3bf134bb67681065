package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The canonical fast path of {@link Rfc3339#parse(String)} and {@link Rfc3339#parse(byte[])} against java.time and
 * against the full parser: the same instant for every canonical form, and every other form (offsets, lower-case
 * {@code t}/{@code z}, leap seconds, invalid fields) left to the full parser, which reads or rejects it as before.
 */
class Rfc3339Test {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
    private static final long MIN_SECOND = -62167219200L;

    private static final long MAX_SECOND = 253402300799L;

    @Test
    void canonicalFormsOfRandomInstantsReadAsJavaTimeReadsThem() {
        Random random = new Random(18);
        for (int i = 0; i < 20_000; i++) {
            long second = MIN_SECOND + (long) (random.nextDouble() * (MAX_SECOND - MIN_SECOND));
            int fractionDigits = random.nextInt(10); // 0 = no fraction
            int nanos = fractionDigits == 0 ? 0 : random.nextInt(1_000_000_000);
            String text = canonical(second, nanos, fractionDigits);
            Instant expected = OffsetDateTime.parse(text).toInstant();
            assertThat(Rfc3339.parseCanonical(utf8(text))).as(text).isEqualTo(expected);
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected);
            assertThat(Rfc3339.parse(utf8(text))).as(text).isEqualTo(expected);
        }
    }

    @Test
    void whatTheFormatterWritesTakesTheFastPath() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            Instant instant = Instant.ofEpochSecond(
                    MIN_SECOND + (long) (random.nextDouble() * (MAX_SECOND - MIN_SECOND)),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            String text = Rfc3339.format(instant);
            assertThat(Rfc3339.parseCanonical(utf8(text))).as(text).isEqualTo(instant);
        }
    }

    @Test
    void calendarEdgesTakeTheFastPath() {
        for (String text : new String[] {
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.9Z",
            "2000-02-29T12:00:00Z",
            "2024-02-29T00:00:00.5Z",
            "2023-12-31T23:59:59Z",
            "2024-01-01T00:00:00.000000001Z"
        }) {
            assertThat(Rfc3339.parseCanonical(utf8(text)))
                    .as(text)
                    .isNotNull()
                    .isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    /** Valid RFC 3339 text outside the canonical form: declined by the fast path, read by the full parser. */
    @ParameterizedTest
    @CsvSource({
        "2018-04-05T19:31:00+02:00, 2018-04-05T17:31:00Z",
        "2018-04-05T17:31:00.5-00:00, 2018-04-05T17:31:00.5Z",
        "2018-04-05T10:01:00-07:30, 2018-04-05T17:31:00Z",
        "2018-04-05t17:31:00Z, 2018-04-05T17:31:00Z",
        "2018-04-05T17:31:00z, 2018-04-05T17:31:00Z",
        "2018-04-05t17:31:00.123z, 2018-04-05T17:31:00.123Z",
        "2018-04-05T17:31:00.1234567891Z, 2018-04-05T17:31:00.123456789Z",
        "2016-12-31T23:59:60Z, 2017-01-01T00:00:00Z",
        "2016-12-31T23:59:60.5Z, 2017-01-01T00:00:00.5Z"
    })
    void otherValidFormsFallBackToTheFullParser(String text, String expected) {
        assertThat(Rfc3339.parseCanonical(utf8(text))).as(text).isNull();
        assertThat(Rfc3339.parse(text)).isEqualTo(Instant.parse(expected));
        assertThat(Rfc3339.parse(utf8(text))).isEqualTo(Instant.parse(expected));
    }

    /** Text that is no RFC 3339 date-time: declined by the fast path and refused by the full parser, as before. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "2018-01-01T23:59:59.Z",
                "2018-01-01T23:59:59.12a4Z",
                "2018-01-01T23:59:59,5Z",
                "2018-01-01T23:59:59ZZ",
                "2018-01-01 23:59:59Z",
                "+2018-01-01T23:59:5Z",
                "2O18-01-01T23:59:59Z",
                "2018-01-01T23:59:59",
                "2018-1-01T23:59:59Z",
                "2018-01-01T23:59:59+2:00",
                "2018-01-01T23:59:59+24:00",
                "2018-01-01T23:59:59.123\u00e9Z",
                "2018-01-01T23:59:5\u0661Z",
                "2018-01-01T23:59:5\ud83d\ude00Z",
                ""
            })
    void invalidTextIsRefusedNamingIt(String text) {
        assertThat(Rfc3339.parseCanonical(utf8(text))).as(text).isNull();
        String expected = "not an RFC 3339 date-time: '" + text + "'";
        assertThat(catchThrowableOfType(DateTimeException.class, () -> Rfc3339.parse(text)))
                .as(text)
                .hasMessage(expected);
        assertThat(catchThrowableOfType(DateTimeException.class, () -> Rfc3339.parse(utf8(text))))
                .as(text)
                .hasMessage(expected);
    }

    /** Fields out of range: declined by the fast path, refused by the full parser with java.time's own error. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "2018-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z",
                "2018-02-30T00:00:00Z",
                "2018-04-31T00:00:00.5Z",
                "2018-13-01T00:00:00Z",
                "2018-00-01T00:00:00Z",
                "2018-01-00T00:00:00Z",
                "2018-01-01T24:00:00Z",
                "2018-01-01T23:60:00Z",
                "2018-01-01T23:59:61Z"
            })
    void invalidFieldsGiveJavaTimesError(String text) {
        assertThat(Rfc3339.parseCanonical(utf8(text))).as(text).isNull();
        DateTimeException expected = catchThrowableOfType(
                DateTimeException.class,
                () -> LocalDateTime.of(
                        field(text, 0, 4),
                        field(text, 5, 2),
                        field(text, 8, 2),
                        field(text, 11, 2),
                        field(text, 14, 2),
                        field(text, 17, 2)));
        assertThat(expected).as(text).isNotNull();
        assertThat(catchThrowableOfType(DateTimeException.class, () -> Rfc3339.parse(text)))
                .as(text)
                .hasMessage(expected.getMessage());
        assertThat(catchThrowableOfType(DateTimeException.class, () -> Rfc3339.parse(utf8(text))))
                .as(text)
                .hasMessage(expected.getMessage());
    }

    private static int field(String text, int start, int length) {
        return Integer.parseInt(text.substring(start, start + length));
    }

    /** Canonical text of {@code second} with the first {@code fractionDigits} digits of {@code nanos}. */
    private static String canonical(long second, int nanos, int fractionDigits) {
        String whole = Instant.ofEpochSecond(second).toString(); // yyyy-MM-ddTHH:mm:ssZ within 0000-9999
        if (fractionDigits == 0) {
            return whole;
        }
        String fraction = String.format("%09d", nanos).substring(0, fractionDigits);
        return whole.substring(0, whole.length() - 1) + "." + fraction + "Z";
    }
}
