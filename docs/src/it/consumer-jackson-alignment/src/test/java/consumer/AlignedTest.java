package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
