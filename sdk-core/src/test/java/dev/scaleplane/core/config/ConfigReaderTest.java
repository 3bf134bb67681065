package dev.scaleplane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import dev.scaleplane.api.spi.ConfigProperties;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    enum Strategy {
        ROUND_ROBIN,
        LEAST_CONNECTIONS,
        WEIGHTED
    }

    private static ConfigReader reader(String... keyValues) {
        ScaleplaneProperties.Builder b = ScaleplaneProperties.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.put(keyValues[i], keyValues[i + 1]);
        }
        return new ConfigReader(b.build());
    }

    @Test
    void validValuesAreParsed() {
        ConfigReader r = reader(
                "i", "12",
                "l", "-5",
                "d", "PT2S",
                "s", "  spaced  ",
                "e", "round-robin",
                "e2", "Least_Connections",
                "u", "https://example.com/x",
                "b", "False");
        assertThat(r.integer("i", 1, 0, 100)).isEqualTo(12);
        assertThat(r.longValue("l", 0, -10, 10)).isEqualTo(-5);
        assertThat(r.duration("d", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1)))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(r.string("s", "x")).isEqualTo("  spaced  ");
        assertThat(r.optional("s")).contains("  spaced  ");
        assertThat(r.enumValue("e", Strategy.class, Strategy.WEIGHTED)).isEqualTo(Strategy.ROUND_ROBIN);
        assertThat(r.enumValue("e2", Strategy.class, Strategy.WEIGHTED)).isEqualTo(Strategy.LEAST_CONNECTIONS);
        assertThat(r.uri("u", URI.create("/"))).isEqualTo(URI.create("https://example.com/x"));
        assertThat(r.bool("b", true)).isFalse();
        assertThat(r.isValid()).isTrue();
        assertThat(r.problems()).isEmpty();
        assertThatCode(r::throwIfInvalid).doesNotThrowAnyException();
    }

    @Test
    void unsetKeysGiveTheDefaults() {
        ConfigReader r = reader();
        assertThat(r.integer("i", 3, 0, 10)).isEqualTo(3);
        assertThat(r.longValue("l", 4, 0, 10)).isEqualTo(4);
        assertThat(r.duration("d", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(1)))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(r.string("s", "def")).isEqualTo("def");
        assertThat(r.optional("s")).isEqualTo(Optional.empty());
        assertThat(r.enumValue("e", Strategy.class, Strategy.WEIGHTED)).isEqualTo(Strategy.WEIGHTED);
        assertThat(r.uri("u", URI.create("/default"))).isEqualTo(URI.create("/default"));
        assertThat(r.bool("b", true)).isTrue();
        assertThat(r.isValid()).isTrue();
    }

    @Test
    void badValuesAreCollectedWithTheDefaultReturned() {
        ConfigReader r = reader(
                "scaleplane.events.memory.buffer-size", "huge",
                "scaleplane.events.memory.partitions", "0",
                "scaleplane.events.memory.publish-timeout", "2 hours",
                "scaleplane.events.memory.drain-timeout", "PT2H",
                "scaleplane.events.memory.strategy", "random",
                "scaleplane.events.memory.fair", "maybe",
                "scaleplane.events.memory.endpoint", "http://bad host/",
                "scaleplane.events.memory.max-bytes", "-1");
        assertThat(r.integer("scaleplane.events.memory.buffer-size", 1024, 2, 1 << 24))
                .isEqualTo(1024);
        assertThat(r.integer("scaleplane.events.memory.partitions", 8, 1, 1024)).isEqualTo(8);
        assertThat(r.duration(
                        "scaleplane.events.memory.publish-timeout",
                        Duration.ofSeconds(5),
                        Duration.ZERO,
                        Duration.ofHours(1)))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(r.duration(
                        "scaleplane.events.memory.drain-timeout",
                        Duration.ofSeconds(30),
                        Duration.ZERO,
                        Duration.ofHours(1)))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(r.enumValue("scaleplane.events.memory.strategy", Strategy.class, Strategy.WEIGHTED))
                .isEqualTo(Strategy.WEIGHTED);
        assertThat(r.bool("scaleplane.events.memory.fair", true)).isTrue();
        assertThat(r.uri("scaleplane.events.memory.endpoint", URI.create("/x"))).isEqualTo(URI.create("/x"));
        assertThat(r.longValue("scaleplane.events.memory.max-bytes", 10, 0, Long.MAX_VALUE))
                .isEqualTo(10);
        assertThat(r.isValid()).isFalse();

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, r::throwIfInvalid);
        assertThat(e.problems())
                .extracting(Problem::key)
                .containsExactly(
                        "scaleplane.events.memory.buffer-size",
                        "scaleplane.events.memory.partitions",
                        "scaleplane.events.memory.publish-timeout",
                        "scaleplane.events.memory.drain-timeout",
                        "scaleplane.events.memory.strategy",
                        "scaleplane.events.memory.fair",
                        "scaleplane.events.memory.endpoint",
                        "scaleplane.events.memory.max-bytes");
        assertThat(e.getMessage())
                .startsWith("8 configuration problems:")
                .contains("scaleplane.events.memory.buffer-size = 'huge': expected an integer between 2 and 16777216")
                .contains("scaleplane.events.memory.partitions = '0': expected an integer between 1 and 1024")
                .contains("between 0s and 1h")
                .contains("scaleplane.events.memory.strategy = 'random': expected one of round-robin,"
                        + " least-connections, weighted")
                .contains("scaleplane.events.memory.fair = 'maybe': expected true or false")
                .contains("expected a URI")
                .contains("scaleplane.events.memory.max-bytes = '-1': expected an integer >= 0");
        assertThat(r.problems()).hasSize(8);
    }

    @Test
    void crossFieldChecks() {
        ConfigReader r = reader("scaleplane.pool.min", "10", "scaleplane.pool.max", "5");
        int min = r.integer("scaleplane.pool.min", 1, 0, 100);
        int max = r.integer("scaleplane.pool.max", 10, 0, 100);
        assertThat(r.check(
                        max >= min,
                        "scaleplane.pool.max",
                        String.valueOf(max),
                        "scaleplane.pool.max >= " + "scaleplane.pool.min (" + min + ")"))
                .isFalse();
        assertThat(r.check(true, "x", null, "never shown")).isTrue();
        assertThatThrownBy(r::throwIfInvalid)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(
                        "scaleplane.pool.max = '5': expected scaleplane.pool.max >= scaleplane.pool.min (10)");
    }

    @Test
    void secretValuesAreRedactedInProblems() {
        ConfigReader r = reader(
                "scaleplane.events.kafka.sasl.password", "hunter2",
                "scaleplane.adapters.github.token-ttl", "forever");
        r.duration("scaleplane.adapters.github.token-ttl", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(1));
        r.check(false, "scaleplane.events.kafka.sasl.password", "hunter2", "at least 12 characters");
        r.rejectUnknownKeys("scaleplane.events.kafka.", Set.of("scaleplane.events.kafka.sasl.mechanism"));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, r::throwIfInvalid);
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.value()).isEqualTo(ConfigKeys.REDACTED));
        assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("forever");
    }

    @Test
    void aMisspeltSecretKeyDoesNotPrintItsValue() {
        ConfigReader r = reader("scaleplane.store.postgres.pasword", "hunter2");
        r.rejectUnknownKeys("scaleplane.store.postgres.", Set.of("scaleplane.store.postgres.password"));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, r::throwIfInvalid);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("scaleplane.store.postgres.pasword");
            assertThat(p.value()).isEqualTo(ConfigKeys.REDACTED);
        });
        assertThat(e.getMessage()).doesNotContain("hunter2").contains("scaleplane.store.postgres.password");
    }

    @Test
    void unknownKeysAreReportedWithASuggestion() {
        ConfigReader r = reader(
                "scaleplane.events.memory.bufer-size", "10",
                "scaleplane.events.memory.partitions", "4",
                "scaleplane.events.memory.completely-different", "x",
                "scaleplane.events.kafka.acks", "all");
        r.rejectUnknownKeys(
                "scaleplane.events.memory.",
                Set.of(
                        "scaleplane.events.memory.buffer-size",
                        "scaleplane.events.memory.partitions",
                        "scaleplane.events.memory.publish-timeout"));
        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems().get(0).key()).isEqualTo("scaleplane.events.memory.bufer-size");
        assertThat(r.problems().get(0).value()).isEqualTo("10");
        assertThat(r.problems().get(0).expected())
                .isEqualTo("a known key; did you mean scaleplane.events.memory.buffer-size?");
        assertThat(r.problems().get(1).key()).isEqualTo("scaleplane.events.memory.completely-different");
        assertThat(r.problems().get(1).expected())
                .startsWith("a known key under scaleplane.events.memory.:")
                .contains("scaleplane.events.memory.buffer-size");
    }

    @Test
    void swappedLettersCountAsOneEdit() {
        assertThat(ConfigReader.editDistance("partitoins", "partitions")).isEqualTo(1);
        assertThat(ConfigReader.editDistance("", "abc")).isEqualTo(3);
        assertThat(ConfigReader.nearest(
                        "scaleplane.events.memory.partitoins", Set.of("scaleplane.events.memory.partitions")))
                .isEqualTo("scaleplane.events.memory.partitions");
        assertThat(ConfigReader.nearest("abc", Set.of("xyz"))).isNull();
    }

    @Test
    void wildcardKnownKeysAllowPassThroughSettings() {
        ConfigReader r = reader(
                "scaleplane.events.kafka.producer.linger.ms", "5",
                "scaleplane.events.kafka.producer.batch.size", "16384",
                "scaleplane.events.kafka.topic-prefix", "sp.",
                "scaleplane.events.kafka.topic-prefx", "sp.");
        r.rejectUnknownKeys(
                "scaleplane.events.kafka.",
                Set.of("scaleplane.events.kafka.producer.*", "scaleplane.events.kafka.topic-prefix"));
        assertThat(r.problems()).extracting(Problem::key).containsExactly("scaleplane.events.kafka.topic-prefx");
    }

    @Test
    void environmentVariablesMatchDeclaredKeysWithDashes() {
        ScaleplaneProperties props = ScaleplaneProperties.builder()
                .environment(Map.of(
                        "SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE", "64",
                        "SCALEPLANE_EVENTS_MEMORY_BUFFERSIZE", "64"))
                .build();
        ConfigReader r = new ConfigReader(props);
        assertThat(r.integer("scaleplane.events.memory.buffer-size", 8, 2, 1024))
                .isEqualTo(64);
        r.rejectUnknownKeys("scaleplane.events.memory.", Set.of("scaleplane.events.memory.buffer-size"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).as("the variable as written").isEqualTo("SCALEPLANE_EVENTS_MEMORY_BUFFERSIZE");
            assertThat(p.expected())
                    .isEqualTo("a known variable; did you mean SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE"
                            + " (for scaleplane.events.memory.buffer-size)?");
        });
    }

    @Test
    void aMisspeltVariableIsReportedAsWrittenAndAKeyFromAnotherSourceAsAKey() {
        ScaleplaneProperties props = ScaleplaneProperties.builder()
                .environment(Map.of("SCALEPLANE_EVENTS_PUBLISH_TIMEUT", "5s"))
                .put("scaleplane.events.publish.timeoutt", "5s")
                .build();
        ConfigReader r = new ConfigReader(props);
        r.rejectUnknownKeys("scaleplane.events.", Set.of("scaleplane.events.publish.timeout"));
        assertThat(r.problems())
                .extracting(Problem::key)
                .containsExactlyInAnyOrder("SCALEPLANE_EVENTS_PUBLISH_TIMEUT", "scaleplane.events.publish.timeoutt");
        assertThat(r.problems())
                .filteredOn(p -> p.key().startsWith("SCALEPLANE_"))
                .singleElement()
                .satisfies(p -> assertThat(p.expected()).contains("did you mean SCALEPLANE_EVENTS_PUBLISH_TIMEOUT"));
    }

    @Test
    void theKeysAlreadyReadCanServeAsTheKnownKeys() {
        ConfigReader r = reader(
                "scaleplane.events.memory.buffer-size", "64",
                "scaleplane.events.memory.partitons", "4",
                "scaleplane.events.provider", "memory");
        r.integer("scaleplane.events.memory.buffer-size", 8, 2, 1024);
        r.integer("scaleplane.events.memory.partitions", 4, 1, 64);
        r.rejectUnknownKeys("scaleplane.events.memory.");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("scaleplane.events.memory.partitons");
            assertThat(p.expected()).contains("did you mean scaleplane.events.memory.partitions?");
        });
    }

    @Test
    void worksWithAnyConfigProperties() {
        ConfigProperties plain = new ConfigProperties() {
            private final Map<String, String> map = Map.of("a.x", "1", "a.y", "2");

            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(map.get(key));
            }

            @Override
            public Set<String> keys() {
                return new TreeSet<>(map.keySet());
            }

            @Override
            public int integer(String key, int defaultValue) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long longValue(String key, long defaultValue) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean bool(String key, boolean defaultValue) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Duration duration(String key, Duration defaultValue) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, String> withPrefix(String prefix) {
                throw new UnsupportedOperationException();
            }
        };
        ConfigReader r = new ConfigReader(plain);
        assertThat(r.integer("a.x", 0, 0, 9)).isEqualTo(1);
        assertThat(r.properties()).isSameAs(plain);
        r.rejectUnknownKeys("a.", Set.of("a.x"));
        assertThat(r.problems()).extracting(Problem::key).containsExactly("a.y");
    }

    @Test
    void aDefaultOutsideItsOwnRangeIsAProgrammingError() {
        ConfigReader r = reader();
        assertThatThrownBy(() -> r.integer("k", 0, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.longValue("k", 5, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.duration("k", Duration.ofHours(2), Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
