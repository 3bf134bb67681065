package dev.scaleplane.adapters.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.http.testing.SecretLeakCheck;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.adapters.vault.internal.VaultSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import dev.scaleplane.testing.CapturedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact requests the adapter sends, against the Vault simulation ({@link FakeVault}, following Vault's documented
 * API) on a virtual clock: method, path with its slashes, query, {@code X-Vault-Token}, {@code X-Vault-Namespace},
 * {@code X-Vault-Request}, JSON bodies; and what the kit does not cover: version pinning, deleted and destroyed
 * versions, check-and-set, listing, the token lifecycle (lookup, renewal at two thirds of the lease, a new login when
 * renewal fails or cannot extend the lease, or Vault calls the token invalid), 403 kept out of messages and logs, a
 * sealed Vault, and settings.
 */
class VaultAdapterRequestsTest {
    private static final String P = "scaleplane.adapters.vault.";
    private static final String TOKEN = "hvs.REQUESTS00000000000secretvalue";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String DB = "/v1/secret/data/apps/db";

    private VirtualClock clock;
    private FakeVault vault;
    private Path jwt;
    private CapturedOutput output;

    @BeforeEach
    void start() throws IOException {
        output = new CapturedOutput();
        clock = new VirtualClock(T0);
        vault = FakeVault.launch(clock::instant);
        jwt = Files.createTempFile("sa-token", "");
        Files.writeString(jwt, FakeVault.JWT);
    }

    /**
     * Whatever the test did, failures included, the logs show no secret value the simulation was given, no token and
     * no service-account JWT.
     */
    @AfterEach
    void stop() throws IOException {
        try {
            vault.shutdown();
            Files.deleteIfExists(jwt);
        } finally {
            output.close();
        }
        SecretLeakCheck.assertNotIn(output.text(), secrets(), "the logs");
    }

    /** Every secret value the simulation was given, {@link #TOKEN}, the JWT and the token it issued last. */
    private List<String> secrets() {
        List<String> all = new ArrayList<>(vault.values());
        all.add(TOKEN);
        all.add(FakeVault.JWT);
        String issued = vault.lastIssuedToken();
        if (issued != null) {
            all.add(issued);
        }
        return all;
    }

    /** Token auth with {@link #TOKEN}, given a lease of {@code ttl} (zero: none) in the simulation. */
    private Map<String, String> tokenConfig(Duration ttl, boolean renewable, FakeVault.Policy policy) {
        vault.token(TOKEN, ttl, Duration.ofHours(2), renewable, policy);
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "vault");
        c.put(P + "base-url", vault.address());
        c.put(P + "auth.token", TOKEN);
        return c;
    }

    private Map<String, String> kubernetesConfig() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "vault");
        c.put(P + "base-url", vault.address());
        c.put(P + "auth.type", "kubernetes");
        c.put(P + "auth.kubernetes.role", FakeVault.ROLE);
        c.put(P + "auth.kubernetes.jwt-file", jwt.toString());
        return c;
    }

    /** The adapter, every failure of which is checked for secret values first ({@link SecretLeakCheck}). */
    private SecretsAdapter adapter(TestContext context) {
        return SecretLeakCheck.wrap(new VaultProvider().create("vault", context.context()), this::secrets);
    }

    private TestContext context(Map<String, String> config) {
        return new TestContext(config, clock);
    }

    private static Map<String, String> revealed(SecretVersion v) {
        return v.data().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().reveal()));
    }

    private List<LoggedRequest> requests() {
        return vault.server().findAll(anyRequestedFor(anyUrl()));
    }

    private static List<String> lines(List<LoggedRequest> requests) {
        return requests.stream()
                .map(r -> r.getMethod().getName() + " " + r.getUrl())
                .toList();
    }

    // ---- reads ----

    @Test
    void getReadsTheLatestOrAPinnedVersionWithTokenNamespaceAndRequestHeaders() {
        vault.namespace("team-a");
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        config.put(P + "namespace", "team-a");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("username", "app", "password", "first-pw"));
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("username", "app");
        second.put("password", "second-pw");
        second.put("port", 5432);
        second.put("tls", Map.of("mode", "verify-full"));
        second.put("comment", "");
        vault.write(FakeVault.MOUNT, "apps/db", second);
        try (SecretsAdapter kv = adapter(context(config))) {
            SecretVersion latest = kv.get("apps/db");
            assertThat(latest.name()).isEqualTo("apps/db");
            assertThat(latest.version()).isEqualTo("2");
            assertThat(latest.createdAt()).isEqualTo(T0);
            assertThat(latest.stages()).isEmpty();
            // Strings as they are, other JSON values as JSON text; the empty field has no Secret to hold it.
            assertThat(revealed(latest))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "username", "app",
                            "password", "second-pw",
                            "port", "5432",
                            "tls", "{\"mode\":\"verify-full\"}"));
            SecretVersion pinned = kv.get("/apps/db", SecretSelector.version("1"));
            assertThat(pinned.version()).isEqualTo("1");
            assertThat(pinned.field("password")).isEqualTo(Secret.of("first-pw"));
        }
        assertThat(lines(requests())).containsExactly("GET " + DB, "GET " + DB + "?version=1");
        assertThat(requests()).allSatisfy(r -> {
            assertThat(r.getHeader("X-Vault-Token")).isEqualTo(TOKEN);
            assertThat(r.getHeader("X-Vault-Namespace")).isEqualTo("team-a");
            assertThat(r.getHeader("X-Vault-Request")).isEqualTo("true");
            assertThat(r.getBodyAsString()).isEmpty();
        });
    }

    @Test
    void namesAreSentWithTheirSlashesEachSegmentEncodedUnderACustomMount() {
        vault.mount("team/kv");
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        config.put(P + "kv.mount", "/team/kv/");
        config.put(P + "base-url", vault.address() + "/v1/");
        vault.write("team/kv", "apps/my app/db+ro", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(config))) {
            assertThat(kv.get("apps/my app/db+ro").version()).isEqualTo("1");
        }
        assertThat(lines(requests())).containsExactly("GET /v1/team/kv/data/apps/my%20app/db%2Bro");
    }

    @Test
    void stagesBadVersionsAndBadNamesFailBeforeAnyRequest() {
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        try (SecretsAdapter kv = adapter(context(config))) {
            assertThatThrownBy(() -> kv.get("apps/db", SecretSelector.stage("AWSCURRENT")))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("STAGES");
            assertThatThrownBy(() -> kv.get("apps/db", SecretSelector.version("0")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'0'");
            assertThatThrownBy(() -> kv.get("apps/db", SecretSelector.version("v2")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'v2'");
            assertThatThrownBy(() -> kv.get("apps/"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("folder");
            assertThatThrownBy(() -> kv.get("apps//db")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kv.get("apps/../db")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kv.list("apps/./x")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(requests()).isEmpty();
    }

    @Test
    void missingSecretsAndVersionsAreNotFoundWhileDeletedAndDestroyedVersionsSayWhat() {
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "first-pw"));
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "second-pw"));
        try (SecretsAdapter kv = adapter(context(config))) {
            assertThatThrownBy(() -> kv.get("apps/nothing"))
                    .isExactlyInstanceOf(AdapterNotFoundException.class)
                    .satisfies(e ->
                            assertThat(((AdapterNotFoundException) e).status()).isEqualTo(404))
                    .hasMessageContaining("/v1/secret/data/apps/nothing");
            assertThatThrownBy(() -> kv.get("apps/db", SecretSelector.version("9")))
                    .isExactlyInstanceOf(AdapterNotFoundException.class);

            clock.advance(Duration.ofMinutes(5));
            vault.softDelete("apps/db", 1);
            assertThatThrownBy(() -> kv.get("apps/db", SecretSelector.version("1")))
                    .isInstanceOfSatisfying(VaultVersionDeletedException.class, e -> {
                        assertThat(e.version()).isEqualTo(1);
                        assertThat(e.destroyed()).isFalse();
                        assertThat(e.deletionTime()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.path()).isEqualTo(DB);
                        assertThat(e.getMessage())
                                .contains("version 1 was deleted")
                                .doesNotContain("first-pw");
                    })
                    .isInstanceOf(AdapterNotFoundException.class);
            vault.destroy("apps/db", 2);
            assertThatThrownBy(() -> kv.get("apps/db"))
                    .isInstanceOfSatisfying(VaultVersionDeletedException.class, e -> {
                        assertThat(e.version()).isEqualTo(2);
                        assertThat(e.destroyed()).isTrue();
                        assertThat(e.getMessage()).contains("destroyed").doesNotContain("second-pw");
                    });
        }
    }

    // ---- writes ----

    @Test
    void putPostsTheFieldsAsDataAndReturnsTheNewVersion() {
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        try (SecretsAdapter kv = adapter(context(config))) {
            SecretVersion written =
                    kv.put("apps/db", Map.of("username", Secret.of("app"), "password", Secret.of("new-pw")));
            assertThat(written.version()).isEqualTo("1");
            assertThat(written.name()).isEqualTo("apps/db");
            assertThat(written.createdAt()).isEqualTo(T0);
            assertThat(kv.put("apps/db", Map.of("password", Secret.of("newer-pw")))
                            .version())
                    .isEqualTo("2");
        }
        vault.server()
                .verify(postRequestedFor(urlEqualTo(DB))
                        .withHeader("X-Vault-Token", equalTo(TOKEN))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("{\"data\":{\"username\":\"app\",\"password\":\"new-pw\"}}")));
        vault.server()
                .verify(postRequestedFor(urlEqualTo(DB))
                        .withRequestBody(equalToJson("{\"data\":{\"password\":\"newer-pw\"}}")));
        assertThat(lines(requests())).containsExactly("POST " + DB, "POST " + DB);
    }

    @Test
    void withCasRequiredEveryWriteReadsTheCurrentVersionAndSendsItAsCas() {
        vault.casRequired(true);
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        config.put(P + "kv.cas-required", "true");
        try (SecretsAdapter kv = adapter(context(config))) {
            assertThat(kv.put("apps/db", Map.of("password", Secret.of("pw-1"))).version())
                    .isEqualTo("1");
            assertThat(kv.put("apps/db", Map.of("password", Secret.of("pw-2"))).version())
                    .isEqualTo("2");
        }
        assertThat(lines(requests()))
                .containsExactly(
                        "GET /v1/secret/metadata/apps/db",
                        "POST " + DB,
                        "GET /v1/secret/metadata/apps/db",
                        "POST " + DB);
        List<LoggedRequest> posts = vault.server().findAll(postRequestedFor(urlEqualTo(DB)));
        assertThat(posts.get(0).getBodyAsString())
                .isEqualTo("{\"data\":{\"password\":\"pw-1\"},\"options\":{\"cas\":0}}");
        assertThat(posts.get(1).getBodyAsString())
                .isEqualTo("{\"data\":{\"password\":\"pw-2\"},\"options\":{\"cas\":1}}");
    }

    @Test
    void aWriteVaultRefusesIsRefusedWithVaultsMessageAndNotRetried() {
        vault.casRequired(true);
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        try (SecretsAdapter kv = adapter(context(config))) {
            assertThatThrownBy(() -> kv.put("apps/db", Map.of("password", Secret.of("refused-pw"))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.serverMessage()).contains("check-and-set parameter required");
                        assertThat(e.getMessage()).doesNotContain("refused-pw");
                    });
        }
        vault.server().verify(1, postRequestedFor(urlEqualTo(DB)));
    }

    // ---- listing ----

    @Test
    void listReadsMetadataWithListTrueLazilyAndReturnsFullNamesWithFolders() {
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("v", "1"));
        vault.write(FakeVault.MOUNT, "apps/api", Map.of("v", "1"));
        vault.write(FakeVault.MOUNT, "apps/team/cache", Map.of("v", "1"));
        try (SecretsAdapter kv = adapter(context(config))) {
            Stream<String> names = kv.list("apps");
            assertThat(requests()).as("nothing fetched before use").isEmpty();
            Iterator<String> it = names.iterator();
            assertThat(it.next()).isEqualTo("apps/api");
            assertThat(kv.list("/apps/")).containsExactly("apps/api", "apps/db", "apps/team/");
            assertThat(kv.list("")).containsExactly("apps/");
            assertThat(kv.list("apps/nothing"))
                    .as("Vault's 404 for an empty folder")
                    .isEmpty();
        }
        assertThat(lines(requests()))
                .containsExactly(
                        "GET /v1/secret/metadata/apps?list=true",
                        "GET /v1/secret/metadata/apps?list=true",
                        "GET /v1/secret/metadata/?list=true",
                        "GET /v1/secret/metadata/apps/nothing?list=true");
    }

    // ---- Kubernetes auth ----

    @Test
    void kubernetesAuthLogsInWithRoleAndJwtThenRenewsAtTwoThirdsOfTheLeaseOnTheVirtualClock() {
        vault.namespace("team-a");
        Map<String, String> config = kubernetesConfig();
        config.put(P + "namespace", "team-a");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        TestContext context = context(config);
        try (SecretsAdapter kv = adapter(context)) {
            kv.get("apps/db");
            String token = vault.lastIssuedToken();
            clock.advance(Duration.ofMinutes(39).plusSeconds(59));
            kv.get("apps/db");
            assertThat(vault.renewals()).as("not yet two thirds into the hour").isZero();
            clock.advance(Duration.ofSeconds(2));
            kv.get("apps/db");
            assertThat(vault.renewals()).isEqualTo(1);
            // Renewed at 40 min for another hour: kept alive past the first lease's end, renewed again at 80 min.
            clock.advance(Duration.ofMinutes(40));
            kv.get("apps/db");
            assertThat(vault.renewals()).isEqualTo(2);
            assertThat(vault.logins()).isEqualTo(1);
            assertThat(vault.lastIssuedToken()).isEqualTo(token);

            List<LoggedRequest> all = requests();
            assertThat(lines(all))
                    .containsExactly(
                            "POST /v1/auth/kubernetes/login",
                            "GET " + DB,
                            "GET " + DB,
                            "POST /v1/auth/token/renew-self",
                            "GET " + DB,
                            "POST /v1/auth/token/renew-self",
                            "GET " + DB);
            LoggedRequest login = all.get(0);
            assertThat(login.getBodyAsString())
                    .isEqualTo("{\"role\":\"" + FakeVault.ROLE + "\",\"jwt\":\"" + FakeVault.JWT + "\"}");
            assertThat(login.getHeader("X-Vault-Token"))
                    .as("a login carries no token")
                    .isNull();
            assertThat(all).allSatisfy(r -> assertThat(r.getHeader("X-Vault-Namespace"))
                    .isEqualTo("team-a"));
            assertThat(all.subList(1, all.size()))
                    .allSatisfy(r -> assertThat(r.getHeader("X-Vault-Token")).isEqualTo(token));
            assertThat(all.get(3).getBodyAsString()).isEqualTo("{}");
        }
        assertThat(context.waits).as("nothing waited, nothing slept").isEmpty();
    }

    @Test
    void aFailedRenewalIsFollowedByANewLoginWhoseTokenIsUsed() {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            kv.get("apps/db");
            String first = vault.lastIssuedToken();
            vault.failRenewals(1);
            clock.advance(Duration.ofMinutes(41));
            kv.get("apps/db");
            String second = vault.lastIssuedToken();
            assertThat(second).isNotEqualTo(first);
            assertThat(vault.logins()).isEqualTo(2);
            List<LoggedRequest> all = requests();
            assertThat(lines(all))
                    .containsExactly(
                            "POST /v1/auth/kubernetes/login",
                            "GET " + DB,
                            "POST /v1/auth/token/renew-self",
                            "POST /v1/auth/kubernetes/login",
                            "GET " + DB);
            assertThat(all.get(2).getHeader("X-Vault-Token")).isEqualTo(first);
            assertThat(all.get(4).getHeader("X-Vault-Token")).isEqualTo(second);
        }
    }

    @Test
    void aLeaseThatCannotBeExtendedIsReplacedByALoginInsteadOfARenewal() {
        // Max TTL 90 min: renewing at 41 min grants 49 min only, short of the hour.
        vault.kubernetesRole(
                FakeVault.KUBERNETES_MOUNT,
                FakeVault.ROLE,
                FakeVault.JWT,
                Duration.ofHours(1),
                Duration.ofMinutes(90),
                true);
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(41));
            kv.get("apps/db");
            assertThat(vault.renewals()).isEqualTo(1);
            // Two thirds of the 49 min granted: 41 + 32.7 min.
            clock.advance(Duration.ofMinutes(32));
            kv.get("apps/db");
            assertThat(vault.logins()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            kv.get("apps/db");
            assertThat(vault.logins()).as("logged in again, not renewed").isEqualTo(2);
            assertThat(vault.renewals()).isEqualTo(1);
        }
    }

    @Test
    void aLeaseThatIsNotRenewableIsReplacedByALoginAtTwoThirds() {
        vault.kubernetesRole(
                FakeVault.KUBERNETES_MOUNT,
                FakeVault.ROLE,
                FakeVault.JWT,
                Duration.ofMinutes(30),
                Duration.ofHours(1),
                false);
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(21));
            kv.get("apps/db");
        }
        assertThat(vault.logins()).isEqualTo(2);
        assertThat(vault.renewals()).isZero();
        assertThat(lines(requests())).doesNotContain("POST /v1/auth/token/renew-self");
    }

    @Test
    void aTokenVaultCallsInvalidIsReplacedOnceByALoginAndTheCallSentAgain() {
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            kv.get("apps/db");
            String revoked = vault.lastIssuedToken();
            vault.revoke(revoked);
            assertThat(kv.get("apps/db").version()).isEqualTo("1");
            assertThat(vault.logins()).isEqualTo(2);
            List<LoggedRequest> all = requests();
            assertThat(lines(all))
                    .containsExactly(
                            "POST /v1/auth/kubernetes/login",
                            "GET " + DB,
                            "GET " + DB,
                            "POST /v1/auth/kubernetes/login",
                            "GET " + DB);
            assertThat(all.get(2).getHeader("X-Vault-Token")).isEqualTo(revoked);
            assertThat(all.get(4).getHeader("X-Vault-Token")).isEqualTo(vault.lastIssuedToken());
        }
    }

    @Test
    void aLoginVaultRefusesIsAnAuthenticationErrorWithoutTheJwt() throws IOException {
        Files.writeString(jwt, "eyJ.not-the-service-account-token.sig");
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            assertThatThrownBy(() -> kv.get("apps/db"))
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.path()).isEqualTo("/v1/auth/kubernetes/login");
                        assertThat(e.serverMessage()).contains("Kubernetes login with role scaleplane failed");
                        assertThat(e.getMessage()).doesNotContain("not-the-service-account-token");
                    });
        }
        assertThat(lines(requests())).containsExactly("POST /v1/auth/kubernetes/login");
    }

    // ---- token auth ----

    @Test
    void tokenAuthLooksTheTokenUpOnceAndRenewsItAtTwoThirdsOfItsTtl() {
        Map<String, String> config = tokenConfig(Duration.ofMinutes(30), true, FakeVault.Policy.READ_WRITE);
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(config))) {
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(19));
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(2));
            kv.get("apps/db");
        }
        List<LoggedRequest> all = requests();
        assertThat(lines(all))
                .containsExactly(
                        "GET /v1/auth/token/lookup-self",
                        "GET " + DB,
                        "GET " + DB,
                        "POST /v1/auth/token/renew-self",
                        "GET " + DB);
        assertThat(all).allSatisfy(r -> assertThat(r.getHeader("X-Vault-Token")).isEqualTo(TOKEN));
        assertThat(vault.renewals()).isEqualTo(1);
    }

    @Test
    void aTokenThatCannotBeRenewedIsUsedUntilItExpiresAndThenFailsAsAuthentication() {
        Map<String, String> config = tokenConfig(Duration.ofMinutes(30), false, FakeVault.Policy.READ_WRITE);
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        try (SecretsAdapter kv = adapter(context(config))) {
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(21));
            kv.get("apps/db");
            clock.advance(Duration.ofMinutes(10));
            assertThatThrownBy(() -> kv.get("apps/db"))
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.serverMessage()).contains("invalid token");
                        assertThat(e.getMessage()).doesNotContain(TOKEN);
                    });
        }
        assertThat(lines(requests()))
                .containsExactly("GET /v1/auth/token/lookup-self", "GET " + DB, "GET " + DB, "GET " + DB);
    }

    // ---- errors ----

    @Test
    void permissionDeniedFailsAtOnceWithTheTokenInNeitherTheMessageNorTheLogs() {
        Map<String, String> config = tokenConfig(Duration.ZERO, true, FakeVault.Policy.READ_ONLY);
        AdapterAuthenticationException[] thrown = new AdapterAuthenticationException[1];
        String logs;
        try (SecretsAdapter kv = adapter(context(config))) {
            logs = CapturedOutput.of(() -> {
                try {
                    kv.put("apps/db", Map.of("password", Secret.of("denied-pw")));
                } catch (AdapterAuthenticationException e) {
                    thrown[0] = e;
                }
            });
        }
        assertThat(thrown[0]).isNotNull();
        assertThat(thrown[0].status()).isEqualTo(403);
        assertThat(thrown[0].system()).isEqualTo("vault");
        assertThat(thrown[0].serverMessage()).contains("permission denied");
        assertThat(thrown[0].getMessage())
                .contains("vault")
                .doesNotContain(TOKEN)
                .doesNotContain("denied-pw");
        assertThat(logs).contains("X-Vault-Token: ****").contains("403").doesNotContain(TOKEN);
        assertThat(logs).doesNotContain("denied-pw");
        vault.server().verify(1, postRequestedFor(urlEqualTo(DB)));
    }

    @Test
    void aPolicyDenialUnderKubernetesAuthDoesNotLogInAgain() {
        vault.kubernetesRole(
                FakeVault.KUBERNETES_MOUNT,
                FakeVault.ROLE,
                FakeVault.JWT,
                Duration.ofHours(1),
                Duration.ofHours(24),
                true,
                FakeVault.Policy.READ_ONLY);
        String logs;
        try (SecretsAdapter kv = adapter(context(kubernetesConfig()))) {
            logs = CapturedOutput.of(
                    () -> assertThatThrownBy(() -> kv.put("apps/db", Map.of("password", Secret.of("pw"))))
                            .isInstanceOf(AdapterAuthenticationException.class)
                            .hasMessageContaining("permission denied"));
        }
        assertThat(vault.logins()).isEqualTo(1);
        vault.server().verify(1, postRequestedFor(urlEqualTo(DB)));
        assertThat(logs).doesNotContain(FakeVault.JWT).doesNotContain(vault.lastIssuedToken());
    }

    @Test
    void aSealedVaultIsRetriedOnReadsButNotOnWrites() {
        Map<String, String> config = tokenConfig(Duration.ZERO, false, FakeVault.Policy.READ_WRITE);
        config.put(P + "auth.renew", "false");
        vault.write(FakeVault.MOUNT, "apps/db", Map.of("password", "pw"));
        TestContext context = context(config);
        try (SecretsAdapter kv = adapter(context)) {
            vault.seal(1);
            assertThat(kv.get("apps/db").version()).isEqualTo("1");
            assertThat(context.waits)
                    .as("one backoff before the second attempt")
                    .hasSize(1);
            vault.seal(1);
            assertThatThrownBy(() -> kv.put("apps/db", Map.of("password", Secret.of("pw-2"))))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.serverMessage()).contains("Vault is sealed");
                    });
        }
        vault.server().verify(2, getRequestedFor(urlEqualTo(DB)));
        vault.server().verify(1, postRequestedFor(urlEqualTo(DB)));
    }

    // ---- settings ----

    @Test
    void badSettingsAreOneConfigurationExceptionNamingEveryKeyWithTheTokenRedacted() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "vault");
        c.put(P + "base-url", "ftp://vault.example.com");
        c.put(P + "auth.type", "approle");
        c.put(P + "auth.token", TOKEN);
        c.put(P + "kv.mount", "team//kv");
        c.put(P + "kv.cas-required", "maybe");
        c.put(P + "namespace", "team a");
        c.put(P + "max-attempts", "99");
        assertThatThrownBy(
                        () -> new VaultProvider().validate("vault", context(c).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "base-url",
                                    P + "auth.type",
                                    P + "kv.mount",
                                    P + "kv.cas-required",
                                    P + "namespace",
                                    P + "max-attempts");
                    assertThat(e.getMessage()).contains("kubernetes").doesNotContain(TOKEN);
                });

        Map<String, String> k8s = new HashMap<>();
        k8s.put(P + "base-url", "https://vault.example.com:8200");
        k8s.put(P + "auth.type", "kubernetes");
        k8s.put(P + "auth.token", TOKEN);
        k8s.put(P + "auth.kubernetes.mount", "..");
        k8s.put(
                P + "auth.kubernetes.jwt-file",
                jwt.resolveSibling("missing-" + jwt.getFileName()).toString());
        assertThatThrownBy(
                        () -> new VaultProvider().validate("vault", context(k8s).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "auth.kubernetes.role",
                                    P + "auth.kubernetes.mount",
                                    P + "auth.kubernetes.jwt-file",
                                    P + "auth.token");
                    assertThat(e.getMessage()).doesNotContain(TOKEN);
                });

        assertThatThrownBy(() ->
                        new VaultProvider().validate("vault", context(Map.of()).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(P + "base-url", P + "auth.token"));
    }

    @Test
    void defaultsAreTokenAuthOnTheSecretMountAndTheProviderIsRegistered() {
        Map<String, String> c = Map.of(P + "base-url", "https://vault.example.com:8200/", P + "auth.token", TOKEN);
        VaultSettings settings = VaultSettings.read("vault", context(c).config());
        assertThat(settings.apiBase()).hasToString("https://vault.example.com:8200/v1");
        assertThat(settings.mount()).isEqualTo("secret");
        assertThat(settings.auth()).isEqualTo(VaultSettings.Auth.TOKEN);
        assertThat(settings.renewToken()).isTrue();
        assertThat(settings.casRequired()).isFalse();
        assertThat(settings.namespace()).isNull();
        assertThat(settings.http().maxAttempts()).isEqualTo(3);
        assertThat(settings.toString()).doesNotContain(TOKEN);

        // Kubernetes defaults: the auth method at "kubernetes", the pod's token file (absent on this machine).
        Map<String, String> k8s = Map.of(
                P + "base-url", "https://vault.example.com:8200",
                P + "auth.type", "kubernetes",
                P + "auth.kubernetes.role", "app");
        assertThatThrownBy(() -> VaultSettings.read("vault", context(k8s).config()))
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(problem -> {
                            assertThat(problem.key()).isEqualTo(P + "auth.kubernetes.jwt-file");
                            assertThat(problem.value()).isEqualTo(VaultSettings.DEFAULT_JWT_FILE);
                        }));
        Map<String, String> withFile = new HashMap<>(k8s);
        withFile.put(P + "auth.kubernetes.jwt-file", jwt.toString());
        VaultSettings kubernetes = VaultSettings.read("vault", context(withFile).config());
        assertThat(kubernetes.kubernetesMount()).isEqualTo("kubernetes");
        assertThat(kubernetes.kubernetesRole()).isEqualTo("app");

        assertThat(ServiceLoader.load(SecretsAdapterProvider.class).stream().map(p -> p.get()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p).isInstanceOf(VaultProvider.class);
                    assertThat(p.name()).isEqualTo("vault");
                });
    }
}
