package dev.scaleplane.events.kubernetes.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void textThatFitsIsUnchanged() {
        assertThat(Limits.truncateUtf8("abc", 3)).isEqualTo("abc");
        assertThat(Limits.truncateUtf8("é€", 5)).isEqualTo("é€");
    }

    @Test
    void cutsAtACodePointBoundaryAndMarksTheCut() {
        // every width: 1, 2, 3 and 4 bytes
        String text = "a" + "é" + "€" + "😀" + "z".repeat(20);
        for (int max = 3; max < Limits.utf8Length(text); max++) {
            String cut = Limits.truncateUtf8(text, max);
            byte[] bytes = cut.getBytes(UTF_8);
            assertThat(bytes.length).as("max %d", max).isLessThanOrEqualTo(max);
            assertThat(cut).as("max %d", max).endsWith(Limits.ELLIPSIS);
            assertThat(new String(bytes, UTF_8)).as("round trip at max %d", max).isEqualTo(cut);
            String kept = cut.substring(0, cut.length() - Limits.ELLIPSIS.length());
            assertThat(text).startsWith(kept);
            // the longest prefix: one more code point would not fit
            if (kept.length() < text.length()) {
                int next = text.codePointAt(kept.length());
                int nextBytes = new String(Character.toChars(next)).getBytes(UTF_8).length;
                assertThat(Limits.utf8Length(kept) + nextBytes + 3).isGreaterThan(max);
            }
        }
    }

    @Test
    void aSurrogatePairIsNeverSplit() {
        String cut = Limits.truncateUtf8("😀😀😀", 9);
        assertThat(cut).isEqualTo("😀" + Limits.ELLIPSIS);
    }

    @Test
    void countsUtf8LikeTheApiserver() {
        assertThat(Limits.utf8Length("a")).isEqualTo(1);
        assertThat(Limits.utf8Length("é")).isEqualTo(2);
        assertThat(Limits.utf8Length("€")).isEqualTo(3);
        assertThat(Limits.utf8Length("😀")).isEqualTo(4);
    }

    @Test
    void refusesALimitThatCannotHoldTheEllipsis() {
        assertThatIllegalArgumentException().isThrownBy(() -> Limits.truncateUtf8("abcdef", 2));
    }

    @Test
    void microTimeRoundTrips() {
        Instant t = Instant.parse("2026-12-06T10:00:00.123456Z");
        assertThat(Limits.microTime(t).getTime()).isEqualTo("2026-12-06T10:00:00.123456Z");
        assertThat(Limits.instant(Limits.microTime(t))).isEqualTo(t);
    }

    @Test
    void resourceVersionsOrderNumerically() {
        assertThat(Limits.order("9")).isLessThan(Limits.order("10"));
        assertThat(Limits.order("opaque")).isEqualTo(Long.MAX_VALUE);
    }
}
