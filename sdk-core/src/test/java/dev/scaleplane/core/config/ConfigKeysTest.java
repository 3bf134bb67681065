package dev.scaleplane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigKeysTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "scaleplane.events.kafka.sasl.password",
                "scaleplane.events.kafka.ssl.keystore.password",
                "scaleplane.events.kafka.sasl.jaas.config",
                "scaleplane.adapters.github.token",
                "scaleplane.adapters.github.app-private-key",
                "scaleplane.adapters.vault.secret-id",
                "scaleplane.adapters.datadog.api-key",
                "scaleplane.adapters.datadog.apikey",
                "scaleplane.adapters.aws.access_key",
                "scaleplane.adapters.aws.credentials-file",
                "scaleplane.adapters.jira.API_TOKEN",
                "scaleplane.x.key",
                "scaleplane.db.passwd"
            })
    void secretKeys(String key) {
        assertThat(ConfigKeys.isSecret(key)).isTrue();
        assertThat(ConfigKeys.redact(key, "hunter2")).isEqualTo(ConfigKeys.REDACTED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "scaleplane.events.provider",
                "scaleplane.events.memory.buffer-size",
                "scaleplane.events.kafka.ssl.keystore.location",
                "scaleplane.events.kafka.bootstrap.servers",
                "scaleplane.federation.keepalive",
                "scaleplane.source"
            })
    void ordinaryKeys(String key) {
        assertThat(ConfigKeys.isSecret(key)).isFalse();
        assertThat(ConfigKeys.redact(key, "visible")).isEqualTo("visible");
    }

    @ParameterizedTest
    @CsvSource({
        "scaleplane.events.provider, SCALEPLANE_EVENTS_PROVIDER",
        "scaleplane.events.memory.buffer-size, SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE",
        "scaleplane.events.kafka.bootstrap.servers, SCALEPLANE_EVENTS_KAFKA_BOOTSTRAP_SERVERS"
    })
    void environmentNames(String key, String variable) {
        assertThat(ConfigKeys.environmentName(key)).isEqualTo(variable);
    }

    @ParameterizedTest
    @CsvSource({
        "SCALEPLANE_EVENTS_PROVIDER, scaleplane.events.provider",
        "SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE, scaleplane.events.memory.buffer.size"
    })
    void defaultKeysReadUnderscoreAsDot(String variable, String key) {
        assertThat(ConfigKeys.defaultKeyFor(variable)).isEqualTo(key);
    }

    @Test
    void recognizesMisspeltPasswordKeys() {
        assertThat(ConfigKeys.looksLikePassword("pasword")).isTrue();
        assertThat(ConfigKeys.looksLikePassword("passwd")).isTrue();
        assertThat(ConfigKeys.looksLikePassword("pw")).isFalse();
        assertThat(ConfigKeys.looksLikePassword("passwort")).isTrue();
        assertThat(ConfigKeys.looksLikePassword("pool-sise")).isFalse();
        assertThat(ConfigKeys.looksLikePassword("schema")).isFalse();
    }
}
