package dev.scaleplane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScaleplanePropertiesTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = Files.createTempFile(dir, "scaleplane", ".properties");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void precedenceIsExplicitThenSystemPropertiesThenEnvironmentThenFile() throws IOException {
        Path f = file("scaleplane.a=file\nscaleplane.b=file\nscaleplane.c=file\nscaleplane.d=file\n");
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .put("scaleplane.a", "explicit")
                .systemProperties(props("scaleplane.a", "system", "scaleplane.b", "system"))
                .environment(Map.of("SCALEPLANE_A", "env", "SCALEPLANE_B", "env", "SCALEPLANE_C", "env"))
                .load(f)
                .build();
        assertThat(p.get("scaleplane.a")).contains("explicit");
        assertThat(p.get("scaleplane.b")).contains("system");
        assertThat(p.get("scaleplane.c")).contains("env");
        assertThat(p.get("scaleplane.d")).contains("file");
        assertThat(p.get("scaleplane.e")).isEmpty();
        assertThat(p.keys()).containsExactly("scaleplane.a", "scaleplane.b", "scaleplane.c", "scaleplane.d");
    }

    @Test
    void theOrderOfBuilderCallsDoesNotChangePrecedence() throws IOException {
        Path f = file("scaleplane.a=file");
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .load(f)
                .environment(Map.of("SCALEPLANE_A", "env"))
                .build();
        ScaleplaneProperties q = ScaleplaneProperties.builder()
                .environment(Map.of("SCALEPLANE_A", "env"))
                .load(f)
                .build();
        assertThat(p.get("scaleplane.a")).contains("env");
        assertThat(q.get("scaleplane.a")).contains("env");
    }

    @Test
    void environmentVariablesAreFoundByKeyWhetherTheKeyUsesDotsOrDashes() {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .environment(Map.of(
                        "SCALEPLANE_EVENTS_PROVIDER", "kafka",
                        "SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE", "4096",
                        "PATH", "/usr/bin",
                        "HOME", "/root"))
                .build();
        assertThat(p.get("scaleplane.events.provider")).contains("kafka");
        assertThat(p.get("scaleplane.events.memory.buffer-size")).contains("4096");
        assertThat(p.integer("scaleplane.events.memory.buffer-size", 1)).isEqualTo(4096);
        assertThat(p.get("path")).isEmpty();
        // Listing falls back to dots; a declared key resolves the ambiguity.
        assertThat(p.keys()).containsExactly("scaleplane.events.memory.buffer.size", "scaleplane.events.provider");
        assertThat(p.keys(Set.of("scaleplane.events.memory.buffer-size")))
                .containsExactly("scaleplane.events.memory.buffer-size", "scaleplane.events.provider");
    }

    @Test
    void anEnvironmentVariableIsListedUnderTheSpellingOfAKeySetElsewhere() throws IOException {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .load(file("scaleplane.events.memory.buffer-size=16"))
                .environment(Map.of("SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE", "32"))
                .build();
        assertThat(p.keys()).containsExactly("scaleplane.events.memory.buffer-size");
        assertThat(p.asMap()).containsExactly(Map.entry("scaleplane.events.memory.buffer-size", "32"));
    }

    @Test
    void onlyScaleplaneSystemPropertiesAreKept() {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .systemProperties(props("java.version", "17", "scaleplane.source", "/me", "user.home", "/root"))
                .build();
        assertThat(p.keys()).containsExactly("scaleplane.source");
    }

    @Test
    void laterFilesOverrideEarlierOnes() throws IOException {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .load(file("scaleplane.a=1\nscaleplane.b=1"))
                .load(file("scaleplane.a=2"))
                .build();
        assertThat(p.asMap()).containsExactly(Map.entry("scaleplane.a", "2"), Map.entry("scaleplane.b", "1"));
    }

    @Test
    void filesAreReadAsUtf8() throws IOException {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .load(file("scaleplane.region=Zürich €"))
                .build();
        assertThat(p.get("scaleplane.region")).contains("Zürich €");
    }

    @Test
    void aMissingFileIsAConfigurationErrorNamingThePath() {
        Path missing = dir.resolve("nope.properties");
        ConfigurationException e =
                catchThrowableOfType(ConfigurationException.class, () -> ScaleplaneProperties.builder()
                        .load(missing));
        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo(ScaleplaneProperties.CONFIG_FILE_KEY);
            assertThat(problem.value()).isEqualTo(missing.toString());
            assertThat(problem.expected()).contains("readable");
        });
    }

    @Test
    void fromEnvironmentReadsSystemPropertiesAndTheConfigFileTheyName() throws IOException {
        Path f = file("scaleplane.from.file=yes\nscaleplane.both=file");
        String previousFile = System.getProperty(ScaleplaneProperties.CONFIG_FILE_KEY);
        System.setProperty(ScaleplaneProperties.CONFIG_FILE_KEY, f.toString());
        System.setProperty("scaleplane.both", "system");
        try {
            ScaleplaneProperties p = ScaleplaneProperties.fromEnvironment();
            assertThat(p.get("scaleplane.from.file")).contains("yes");
            assertThat(p.get("scaleplane.both")).contains("system");
            assertThat(p.keys()).doesNotContain("java.version");
        } finally {
            System.clearProperty("scaleplane.both");
            if (previousFile == null) {
                System.clearProperty(ScaleplaneProperties.CONFIG_FILE_KEY);
            } else {
                System.setProperty(ScaleplaneProperties.CONFIG_FILE_KEY, previousFile);
            }
        }
    }

    @Test
    void fromEnvironmentFailsClearlyWhenTheNamedFileIsMissing() {
        System.setProperty(
                ScaleplaneProperties.CONFIG_FILE_KEY,
                dir.resolve("missing.properties").toString());
        try {
            assertThatThrownBy(ScaleplaneProperties::fromEnvironment)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(ScaleplaneProperties.CONFIG_FILE_KEY)
                    .hasMessageContaining("missing.properties");
        } finally {
            System.clearProperty(ScaleplaneProperties.CONFIG_FILE_KEY);
        }
    }

    @Test
    void typedAccessors() {
        ScaleplaneProperties p = ScaleplaneProperties.of(Map.of(
                "i", " 42 ",
                "l", "9000000000",
                "b", "TRUE",
                "d", "250ms",
                "s", "text"));
        assertThat(p.integer("i", 0)).isEqualTo(42);
        assertThat(p.longValue("l", 0)).isEqualTo(9_000_000_000L);
        assertThat(p.bool("b", false)).isTrue();
        assertThat(p.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(p.string("s", "x")).isEqualTo("text");
        assertThat(p.integer("unset", 7)).isEqualTo(7);
        assertThat(p.longValue("unset", 8)).isEqualTo(8);
        assertThat(p.bool("unset", true)).isTrue();
        assertThat(p.duration("unset", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.string("unset", "x")).isEqualTo("x");
    }

    @ParameterizedTest
    @CsvSource({
        "PT5S, PT5S",
        "pt1m30s, PT1M30S",
        "P1D, PT24H",
        "250ms, PT0.25S",
        "5s, PT5S",
        "5 s, PT5S",
        "10m, PT10M",
        "2h, PT2H",
        "1d, PT24H",
        "0s, PT0S",
        "-3s, PT-3S"
    })
    void durationForms(String text, String iso) {
        assertThat(ScaleplaneProperties.of(Map.of("d", text)).duration("d", Duration.ZERO))
                .isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"5", "1.5s", "5 seconds", "s", "PT", "5w", "", "99999999999999999999d", "9999999999999999d"})
    void invalidDurations(String text) {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> ScaleplaneProperties.of(Map.of("scaleplane.t", text)).duration("scaleplane.t", Duration.ZERO));
        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("scaleplane.t");
            assertThat(problem.value()).isEqualTo(text);
            assertThat(problem.expected()).contains("ISO-8601").contains("ms, s, m, h or d");
        });
    }

    @Test
    void invalidTypedValuesNameKeyValueAndExpectation() {
        ScaleplaneProperties p = ScaleplaneProperties.of(Map.of("i", "many", "b", "yes", "l", "1e3"));
        assertThatThrownBy(() -> p.integer("i", 0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("i = 'many'")
                .hasMessageContaining("an integer");
        assertThatThrownBy(() -> p.bool("b", false)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> p.longValue("l", 0)).hasMessageContaining("l = '1e3'");
    }

    @Test
    void secretsAreRedactedInToStringAndErrors() {
        ScaleplaneProperties p = ScaleplaneProperties.of(Map.of(
                "scaleplane.events.kafka.sasl.password", "hunter2",
                "scaleplane.events.kafka.sasl.mechanism", "PLAIN",
                "scaleplane.adapters.github.token.ttl", "soon"));
        assertThat(p.toString())
                .contains("scaleplane.events.kafka.sasl.mechanism=PLAIN")
                .contains("scaleplane.events.kafka.sasl.password=<redacted>")
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> p.duration("scaleplane.adapters.github.token.ttl", Duration.ZERO))
                .hasMessageContaining("<redacted>")
                .hasMessageNotContaining("soon");
        // The value itself is still there for whoever needs it.
        assertThat(p.get("scaleplane.events.kafka.sasl.password")).contains("hunter2");
    }

    @Test
    void withPrefixStripsThePrefixAndIncludesEnvironmentVariables() {
        ScaleplaneProperties p = ScaleplaneProperties.builder()
                .put("scaleplane.events.kafka.acks", "all")
                .put("scaleplane.events.memory.partitions", "4")
                .environment(Map.of("SCALEPLANE_EVENTS_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
                .build();
        assertThat(p.withPrefix("scaleplane.events.kafka."))
                .containsExactly(Map.entry("acks", "all"), Map.entry("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void emptyOfToBuilderAndEquality() {
        assertThat(ScaleplaneProperties.empty().keys()).isEmpty();
        assertThat(ScaleplaneProperties.empty().get("x")).isEqualTo(Optional.empty());
        ScaleplaneProperties a = ScaleplaneProperties.of(Map.of("scaleplane.a", "1"));
        ScaleplaneProperties b = ScaleplaneProperties.builder()
                .environment(Map.of("SCALEPLANE_A", "1"))
                .build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        ScaleplaneProperties changed = a.toBuilder().put("scaleplane.b", "2").build();
        assertThat(changed.asMap()).containsExactly(Map.entry("scaleplane.a", "1"), Map.entry("scaleplane.b", "2"));
        assertThat(a.keys()).containsExactly("scaleplane.a");
        assertThat(changed.toBuilder().remove("scaleplane.b").build()).isEqualTo(a);
        assertThatThrownBy(() -> a.keys().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
