package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplane.docs.QuickstartExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** With scaleplane-bom imported: one Jackson version, and the platform works next to the other library. */
class AlignedTest {

    @Test
    void platformPublishesConsumesAndStores() throws Exception {
        int[] minors = RoundTrip.jacksonMinors();
        assertEquals(minors[1], minors[0], "jackson-core and jackson-databind minor versions");

        RoundTrip.Seen seen = RoundTrip.run();

        assertEquals("{\"application\":\"checkout\"}", seen.otherLibraryJson());
        assertEquals(1, seen.recorded().size(), "events read back from the stream");
        assertEquals(seen.consumedId(), seen.recorded().get(0).event().id());
    }

    @Test
    void readmeQuickstartRunsAsTheUsersCode() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            QuickstartExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("deploying checkout 1.4.2"), output);
    }
}
