package dev.scaleplane.adapters.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.http.VersionWatch;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rotation watch on the Vault simulation. Most tests poll by hand ({@link VersionWatch#poll()}) with the poller's
 * interval an hour away, so what a poll sees is exactly what the test wrote before it; one runs the poller itself.
 */
class VaultWatchTest {
    private static final String TOKEN = "hvs.WATCH00000000000000secretvalue";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration NEVER_DURING_THE_TEST = Duration.ofHours(1);

    private VirtualClock clock;
    private FakeVault vault;
    private SecretsAdapter kv;
    private final List<SecretRotated> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        clock = new VirtualClock(T0);
        vault = FakeVault.launch(clock::instant);
        vault.token(TOKEN, Duration.ZERO, Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        String p = "scaleplane.adapters.watched.";
        kv = new VaultProvider()
                .create(
                        "watched",
                        new TestContext(
                                        Map.of(
                                                p + "base-url",
                                                vault.address(),
                                                p + "auth.token",
                                                TOKEN,
                                                p + "auth.renew",
                                                "false"),
                                        clock)
                                .context());
    }

    @AfterEach
    void stop() {
        kv.close();
        vault.shutdown();
    }

    private VersionWatch watch(String... names) {
        return (VersionWatch) kv.watch(Set.of(names), NEVER_DURING_THE_TEST, heard::add);
    }

    private static List<String> versions(List<SecretRotated> rotations) {
        return rotations.stream()
                .map(r -> r.name() + " " + r.previousVersion() + "->" + r.version())
                .toList();
    }

    @Test
    void theBaselineIsReadBeforeWatchReturnsFromMetadataAndIsNotReported() {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-1"));
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-2"));
        VersionWatch watch = watch("apps/db");
        List<LoggedRequest> requests = vault.server().findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.getMethod().getName()).isEqualTo("GET");
            assertThat(r.getUrl()).isEqualTo("/v1/secret/metadata/apps/db");
            assertThat(r.getHeader("X-Vault-Token")).isEqualTo(TOKEN);
        });
        watch.poll();
        assertThat(heard).isEmpty();
    }

    @Test
    void eachNewVersionIsReportedOnceInOrderEvenTwoBetweenPolls() {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-1"));
        vault.write(FakeVault.MOUNT, "apps/api", Map.of("key", "k-1"));
        VersionWatch watch = watch("apps/db", "apps/api");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-2"));
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-3"));
        clock.advance(Duration.ofSeconds(30));
        watch.poll();
        watch.poll();
        vault.write(FakeVault.MOUNT, "apps/api", Map.of("key", "k-2"));
        watch.poll();
        assertThat(versions(heard)).containsExactly("apps/db 1->2", "apps/db 2->3", "apps/api 1->2");
        assertThat(heard).allSatisfy(r -> {
            assertThat(r.system()).isEqualTo("vault");
            assertThat(r.instance()).isEqualTo("watched");
            assertThat(r.observedAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(r.toString()).doesNotContain("pw-2", "pw-3", "k-2");
        });
    }

    @Test
    void aSecretAbsentAtFirstTakesItsFirstVersionAsBaselineAndARecreatedOneIsReported() {
        VersionWatch watch = watch("apps/db");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-1"));
        watch.poll();
        assertThat(heard).as("the first version seen is the baseline").isEmpty();
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-2"));
        watch.poll();
        vault.deleteMetadata("apps/db");
        watch.poll();
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-anew"));
        watch.poll();
        assertThat(versions(heard)).containsExactly("apps/db 1->2", "apps/db 2->1");
    }

    @Test
    void failedReadsAndAFailingListenerDoNotStopTheWatch() {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-1"));
        List<SecretRotated> seen = new CopyOnWriteArrayList<>();
        VersionWatch watch = (VersionWatch) kv.watch(Set.of("apps/db"), NEVER_DURING_THE_TEST, r -> {
            seen.add(r);
            throw new IllegalStateException("listener broke");
        });
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-2"));
        vault.seal(10);
        watch.poll();
        assertThat(seen).isEmpty();
        vault.seal(0);
        watch.poll();
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-3"));
        watch.poll();
        assertThat(versions(seen)).containsExactly("apps/db 1->2", "apps/db 2->3");
    }

    @Test
    void thePollerReportsARotationOnItsOwnAndWatchArgumentsAreChecked() throws Exception {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-1"));
        AutoCloseable watch = kv.watch(Set.of("apps/db"), Duration.ofMillis(5), heard::add);
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw-2"));
        Awaitility.await("the rotation of apps/db")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !heard.isEmpty());
        assertThat(versions(heard)).containsExactly("apps/db 1->2");
        kv.close(); // closes the watch
        watch.close(); // idempotent
        assertThatThrownBy(() -> kv.watch(Set.of(), Duration.ofSeconds(1), heard::add))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kv.watch(Set.of("apps/db"), Duration.ZERO, heard::add))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
