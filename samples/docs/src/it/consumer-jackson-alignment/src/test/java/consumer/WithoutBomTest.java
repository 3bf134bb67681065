package consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The negative control: without scaleplane-bom, Maven resolves the other library's older jackson-core next to our
 * jackson-databind, and the platform fails at run time with a linkage error. It shows that AlignedTest passes because
 * of the BOM's alignment, not by chance.
 */
class WithoutBomTest {

    @Test
    void olderJacksonCoreBreaksThePlatform() {
        int[] minors = RoundTrip.jacksonMinors();
        assertTrue(
                minors[0] < minors[1],
                "jackson-core 2." + minors[0] + " is older than jackson-databind 2." + minors[1]);

        Throwable failure = assertThrows(Throwable.class, RoundTrip::run);

        Throwable linkage = failure;
        while (linkage != null && !(linkage instanceof LinkageError)) {
            linkage = linkage.getCause();
        }
        assertTrue(linkage != null, () -> "a LinkageError in the cause chain of " + failure);
    }
}
