package dev.scaleplane.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the in-memory bus reads its settings; publisher stripes in particular, which trade order for contention. */
class MemoryBusSettingsTest {

    private static MemoryBusSettings read(Map<String, String> settings) {
        return InMemoryEventBusProvider.settings(new ConfigReader(ScaleplaneProperties.of(settings)));
    }

    @Test
    void oneStripeByDefaultSoAKeysOrderHoldsAcrossThreads() {
        assertThat(read(Map.of()).publisherStripes()).isEqualTo(1);
    }

    @Test
    void stripesAreRoundedUpToAPowerOfTwo() {
        assertThat(read(Map.of(MemoryBusSettings.PUBLISHER_STRIPES, "3")).publisherStripes())
                .isEqualTo(4);
    }

    @Test
    void stripesOutOfRangeAreRejectedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> read(Map.of(MemoryBusSettings.PUBLISHER_STRIPES, "0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(MemoryBusSettings.PUBLISHER_STRIPES)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> read(Map.of(MemoryBusSettings.PUBLISHER_STRIPES, "65")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("65");
    }
}
