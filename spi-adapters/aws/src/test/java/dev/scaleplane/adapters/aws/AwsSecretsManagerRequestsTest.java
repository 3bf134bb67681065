package dev.scaleplane.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.aws.internal.AwsSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.CapturedOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact requests the adapter sends, against the Secrets Manager simulation (JSON 1.1, every request's SigV4
 * signature recomputed and checked): targets, headers and JSON bodies per operation, stages moved by writes,
 * idempotent retried writes, {@code ListSecrets} over three pages and more, {@code BatchGetSecretValue} in chunks of 20
 * following {@code NextToken}, the watch reading metadata only, error mapping, the SDK's retries waiting through the
 * injected sleeper, every credential source, metrics and settings. Every test also checks that no credential and no
 * secret value reached a message or the logs.
 */
class AwsSecretsManagerRequestsTest {
    private static final String P = "scaleplane.adapters.aws.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential="
            + FakeSecretsManager.ACCESS_KEY_ID
            + "/\\d{8}/us-east-1/secretsmanager/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}");

    private FakeSecretsManager aws;
    private final List<String> values = new CopyOnWriteArrayList<>();
    private CapturedOutput output;

    @BeforeEach
    void start() {
        output = new CapturedOutput();
        aws = FakeSecretsManager.launch();
    }

    @AfterEach
    void stop() {
        try {
            aws.shutdown();
        } finally {
            output.close();
        }
        String logs = output.text();
        assertThat(logs).doesNotContain(credentials());
        for (String v : values) {
            assertThat(logs).as("a secret value in the logs").doesNotContain(v);
        }
    }

    private static String[] credentials() {
        return new String[] {
            FakeSecretsManager.ACCESS_KEY_ID,
            FakeSecretsManager.SECRET_ACCESS_KEY,
            FakeSecretsManager.TEMP_ACCESS_KEY_ID,
            FakeSecretsManager.TEMP_SECRET_ACCESS_KEY,
            FakeSecretsManager.TEMP_SESSION_TOKEN,
            FakeSecretsManager.WEB_IDENTITY_TOKEN,
            "webIdentitySecret/",
            "webIdentitySessionToken/"
        };
    }

    /** A value the test then looks for in every message and the logs. */
    private String value(String hint) {
        String v = hint + "-" + java.util.UUID.randomUUID();
        values.add(v);
        return v;
    }

    private void assertClean(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(credentials());
            assertThat(c.toString()).doesNotContain(credentials());
            for (String v : values) {
                assertThat(String.valueOf(c.getMessage())).doesNotContain(v);
            }
        }
    }

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "aws-secrets-manager");
        c.put(P + "region", FakeSecretsManager.REGION);
        c.put(P + "endpoint-override", aws.baseUrl());
        c.put(P + "auth.access-key-id", FakeSecretsManager.ACCESS_KEY_ID);
        c.put(P + "auth.secret-access-key", FakeSecretsManager.SECRET_ACCESS_KEY);
        return c;
    }

    private static AwsSecretsManager adapter(TestContext context) {
        return new AwsSecretsManagerProvider().create("aws", context.context());
    }

    private AwsSecretsManager adapter() {
        return adapter(new TestContext(config()));
    }

    /** The requests of {@code operation} (a Secrets Manager target, or {@code sts}), oldest first. */
    private List<LoggedRequest> requests(String operation) {
        List<ServeEvent> events = new ArrayList<>(aws.server().getAllServeEvents());
        java.util.Collections.reverse(events);
        return events.stream()
                .map(ServeEvent::getRequest)
                .filter(r -> operation.equals("sts")
                        ? r.getHeader("X-Amz-Target") == null
                        : ("secretsmanager." + operation).equals(r.getHeader("X-Amz-Target")))
                .toList();
    }

    private static JsonNode body(LoggedRequest r) throws IOException {
        return JSON.readTree(r.getBodyAsString());
    }

    private static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    private static JsonNode withoutToken(JsonNode body) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
        copy.remove("ClientRequestToken");
        return copy;
    }

    private static Map<String, String> revealed(SecretVersion v) {
        return v.data().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().reveal()));
    }

    // ---- get ----

    @Test
    void getSendsOneSignedJson11RequestAndAJsonObjectBecomesFields() throws IOException {
        String password = value("password");
        String id = aws.seed(
                "prod/db",
                "{\"username\":\"app\",\"password\":\"" + password + "\",\"port\":5432,\"ssl\":true,\"empty\":\"\","
                        + "\"none\":null,\"opts\":{\"a\":1}}",
                null);
        try (AwsSecretsManager sm = adapter()) {
            SecretVersion v = sm.get("prod/db");
            assertThat(v.name()).isEqualTo("prod/db");
            assertThat(v.version()).isEqualTo(id);
            assertThat(v.stages()).containsExactly("AWSCURRENT");
            assertThat(v.createdAt()).isNotNull();
            assertThat(revealed(v))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "username",
                            "app",
                            "password",
                            password,
                            "port",
                            "5432",
                            "ssl",
                            "true",
                            "opts",
                            "{\"a\":1}"));
            assertThat(v.toString()).doesNotContain(password);
        }
        List<LoggedRequest> gets = requests("GetSecretValue");
        assertThat(gets).hasSize(1);
        LoggedRequest r = gets.get(0);
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getUrl()).isEqualTo("/");
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
        assertThat(body(r)).isEqualTo(json("{\"SecretId\":\"prod/db\"}"));
        assertThat(r.getHeader("Authorization")).matches(AUTHORIZATION);
        SigV4.Authorization auth = SigV4.parse(r.getHeader("Authorization"));
        assertThat(auth.signedHeaders()).contains("content-type", "host", "x-amz-date", "x-amz-target");
        assertThat(r.getHeader("X-Amz-Date")).matches("\\d{8}T\\d{6}Z").startsWith(auth.date());
        assertThat(r.getHeader("X-Amz-Security-Token")).isNull();
        assertThat(r.getHeader("User-Agent")).contains("scaleplane-adapters-aws");
        assertThat(aws.server().getAllServeEvents()).hasSize(1);
    }

    @Test
    void aVersionIdOrAStageGoesInTheBody() throws IOException {
        String v1 = aws.seed("app/key", "{\"k\":\"" + value("one") + "\"}", null);
        String v2 = aws.seed("app/key", "{\"k\":\"" + value("two") + "\"}", null);
        try (AwsSecretsManager sm = adapter()) {
            assertThat(sm.get("app/key", SecretSelector.version(v1)).version()).isEqualTo(v1);
            SecretVersion previous = sm.get("app/key", SecretSelector.stage("AWSPREVIOUS"));
            assertThat(previous.version()).isEqualTo(v1);
            assertThat(previous.stages()).containsExactly("AWSPREVIOUS");
            assertThat(sm.get("app/key", SecretSelector.stage("AWSCURRENT")).version())
                    .isEqualTo(v2);
            assertThatThrownBy(() -> sm.get("app/key", SecretSelector.stage("AWSPENDING")))
                    .isInstanceOf(AdapterNotFoundException.class)
                    .hasMessageContaining("GetSecretValue app/key (stage AWSPENDING)")
                    .hasMessageContaining("staging label: AWSPENDING");
        }
        List<LoggedRequest> gets = requests("GetSecretValue");
        assertThat(body(gets.get(0))).isEqualTo(json("{\"SecretId\":\"app/key\",\"VersionId\":\"" + v1 + "\"}"));
        assertThat(body(gets.get(1))).isEqualTo(json("{\"SecretId\":\"app/key\",\"VersionStage\":\"AWSPREVIOUS\"}"));
        assertThat(body(gets.get(2))).isEqualTo(json("{\"SecretId\":\"app/key\",\"VersionStage\":\"AWSCURRENT\"}"));
    }

    @Test
    void aPlainStringIsTheFieldValueAndABinaryItsBase64() {
        String plain = value("plain");
        aws.seed("plain", plain, null);
        aws.seed("array", "[\"" + value("a") + "\"]", null);
        byte[] bytes = {0, 1, 2, (byte) 0xfe, (byte) 0xff, 42};
        aws.seed("binary", null, bytes);
        try (AwsSecretsManager sm = adapter()) {
            assertThat(sm.get("plain").value().reveal()).isEqualTo(plain);
            assertThat(sm.get("plain").data()).containsOnlyKeys(SecretVersion.VALUE);
            assertThat(sm.get("array").field(SecretVersion.VALUE).reveal()).startsWith("[\"a-");
            assertThat(Base64.getDecoder().decode(sm.get("binary").value().reveal()))
                    .isEqualTo(bytes);
        }
    }

    // ---- put ----

    @Test
    void putCreatesAMissingSecretThenWritesVersionsThatMoveTheStages() throws IOException {
        String first = value("first");
        String second = value("second");
        try (AwsSecretsManager sm = adapter()) {
            SecretVersion v1 = sm.put("svc/api", Map.of("token", Secret.of(first)));
            assertThat(v1.stages()).containsExactly("AWSCURRENT");
            assertThat(v1.field("token").reveal()).isEqualTo(first);
            SecretVersion v2 = sm.put("svc/api", Map.of("token", Secret.of(second), "user", Secret.of("svc")));
            assertThat(v2.version()).isNotEqualTo(v1.version());
            assertThat(v2.stages()).containsExactly("AWSCURRENT");
            assertThat(aws.stages("svc/api"))
                    .containsExactly(
                            Map.entry(v1.version(), Set.of("AWSPREVIOUS")),
                            Map.entry(v2.version(), Set.of("AWSCURRENT")));
            assertThat(sm.get("svc/api", SecretSelector.stage("AWSPREVIOUS")).field("token"))
                    .isEqualTo(Secret.of(first));
        }
        List<LoggedRequest> puts = requests("PutSecretValue");
        List<LoggedRequest> creates = requests("CreateSecret");
        assertThat(puts).hasSize(2);
        assertThat(creates).hasSize(1);
        JsonNode missing = body(puts.get(0));
        JsonNode create = body(creates.get(0));
        JsonNode put = body(puts.get(1));
        // The SDK fills ClientRequestToken (a UUID); Secrets Manager makes it the new version's id.
        for (JsonNode b : List.of(missing, create, put)) {
            assertThat(b.path("ClientRequestToken").asText()).matches("[0-9a-f-]{36}");
        }
        assertThat(missing.path("SecretId").asText()).isEqualTo("svc/api");
        assertThat(json(missing.path("SecretString").asText())).isEqualTo(json("{\"token\":\"" + first + "\"}"));
        assertThat(create.path("ClientRequestToken").asText())
                .isNotEqualTo(missing.path("ClientRequestToken").asText());
        assertThat(withoutToken(create))
                .isEqualTo(json("{\"Name\":\"svc/api\",\"SecretString\":\"{\\\"token\\\":\\\"" + first + "\\\"}\"}"));
        assertThat(withoutToken(put))
                .isEqualTo(json("{\"SecretId\":\"svc/api\",\"SecretString\":\"{\\\"token\\\":\\\"" + second
                        + "\\\",\\\"user\\\":\\\"svc\\\"}\"}"));
        assertThat(aws.currentString("svc/api")).isEqualTo("{\"token\":\"" + second + "\",\"user\":\"svc\"}");
    }

    @Test
    void aWriteWhoseAnswerWasLostIsRetriedWithTheSameTokenAndMakesOneVersion() throws IOException {
        aws.seed("svc/db", "{\"p\":\"" + value("old") + "\"}", null);
        aws.failNextAfterApplying(
                "PutSecretValue", 500, "InternalServiceError", "An error occurred on the server side.");
        TestContext context = new TestContext(config());
        try (AwsSecretsManager sm = adapter(context)) {
            SecretVersion v = sm.put("svc/db", Map.of("p", Secret.of(value("new"))));
            assertThat(aws.stages("svc/db")).hasSize(2).containsEntry(v.version(), Set.of("AWSCURRENT"));
        }
        List<LoggedRequest> puts = requests("PutSecretValue");
        assertThat(puts).hasSize(2);
        assertThat(body(puts.get(1))).isEqualTo(body(puts.get(0)));
        assertThat(puts.get(1).getHeader("amz-sdk-request")).contains("attempt=2");
        assertThat(context.waits).hasSize(1);
    }

    @Test
    void aSecretCreatedByAnotherClientMeanwhileGetsOurValueAsItsNextVersion() {
        String theirs = aws.seed("race", "{\"v\":\"" + value("theirs") + "\"}", null);
        aws.failNext(
                "PutSecretValue", 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        String ours = value("ours");
        try (AwsSecretsManager sm = adapter()) {
            SecretVersion v = sm.put("race", Map.of("v", Secret.of(ours)));
            assertThat(aws.stages("race"))
                    .containsExactly(
                            Map.entry(theirs, Set.of("AWSPREVIOUS")), Map.entry(v.version(), Set.of("AWSCURRENT")));
        }
        assertThat(requests("PutSecretValue")).hasSize(2);
        assertThat(requests("CreateSecret")).hasSize(1);
    }

    @Test
    void aBadWriteFailsBeforeAnyRequestAndAWriteAwsRefusesIsRefused() {
        aws.seed("gone", "{\"v\":\"" + value("gone") + "\"}", null);
        aws.scheduleDeletion("gone");
        try (AwsSecretsManager sm = adapter()) {
            assertThatThrownBy(() -> sm.put("x", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one field");
            assertThatThrownBy(() -> sm.put(" ", Map.of("v", Secret.of("x"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("' '");
            assertThat(aws.server().getAllServeEvents()).isEmpty();
            assertThatThrownBy(() -> sm.put("gone", Map.of("v", Secret.of(value("again")))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.serverMessage())
                                .startsWith("InvalidRequestException: ")
                                .contains("marked for deletion");
                        assertClean(e);
                    });
            assertThatThrownBy(() -> sm.put("bad name!", Map.of("v", Secret.of(value("bad")))))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.serverMessage()).startsWith("InvalidParameterException: Invalid name");
                        assertClean(e);
                    });
        }
        assertThat(requests("PutSecretValue")).hasSize(2);
    }

    // ---- list ----

    @Test
    void listFollowsNextTokenOverThreePagesAndMoreLazilyKeepingToThePrefix() throws IOException {
        for (String n : List.of("app/a", "app/b", "app/c", "app/d", "app/e", "apple", "other/x", "App/z")) {
            aws.seed(n, "{\"v\":\"x\"}", null);
        }
        Map<String, String> c = config();
        c.put(P + "page-size", "2");
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            Stream<String> lazy = sm.list("app/");
            assertThat(aws.server().getAllServeEvents()).isEmpty();
            lazy.close();
            // App/z, app/a: one match on the first page, so the first name costs one call.
            assertThat(sm.list("app/").findFirst()).contains("app/a");
            assertThat(requests("ListSecrets")).hasSize(1);
            aws.server().resetRequests();
            assertThat(sm.list("app/").toList()).containsExactly("app/a", "app/b", "app/c", "app/d", "app/e");
        }
        List<LoggedRequest> pages = requests("ListSecrets");
        // 8 secrets, 2 per page: 4 pages; the last holds apple and other/x, no match, and ends the listing.
        assertThat(pages).hasSize(4);
        assertThat(body(pages.get(0)))
                .isEqualTo(json("{\"MaxResults\":2,\"Filters\":[{\"Key\":\"name\",\"Values\":[\"app/\"]}]}"));
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i < pages.size(); i++) {
            JsonNode b = body(pages.get(i));
            assertThat(b.path("MaxResults").asInt()).isEqualTo(2);
            assertThat(b.path("Filters")).isEqualTo(body(pages.get(0)).path("Filters"));
            tokens.add(b.path("NextToken").asText());
        }
        assertThat(tokens).doesNotHaveDuplicates().allMatch(t -> !t.isEmpty());
    }

    @Test
    void listWithAnEmptyPrefixListsEverySecretWithoutAFilter() throws IOException {
        aws.seed("a", "x1", null);
        aws.seed("b/c", "x2", null);
        try (AwsSecretsManager sm = adapter()) {
            assertThat(sm.list("").toList()).containsExactly("a", "b/c");
        }
        assertThat(body(requests("ListSecrets").get(0))).isEqualTo(json("{\"MaxResults\":100}"));
    }

    @Test
    void listRefusesANegatingOrMalformedPrefixBeforeAnyRequest() {
        try (AwsSecretsManager sm = adapter()) {
            assertThatThrownBy(() -> sm.list("!prod"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'!prod'")
                    .hasMessageContaining("negates");
            assertThatThrownBy(() -> sm.list("prod/*"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'prod/*'");
        }
        assertThat(aws.server().getAllServeEvents()).isEmpty();
    }

    // ---- getAll ----

    @Test
    void getAllReadsTwentyIdsPerCallAndFollowsNextToken() throws IOException {
        List<String> names = IntStream.range(0, 25).mapToObj(i -> "batch/s" + i).toList();
        Map<String, String> written = new LinkedHashMap<>();
        for (String n : names) {
            String v = value(n.replace('/', '-'));
            written.put(n, v);
            aws.seed(n, "{\"v\":\"" + v + "\"}", null);
        }
        aws.batchPageSize(8);
        List<String> asked = new ArrayList<>(names);
        asked.add("batch/s3");
        try (AwsSecretsManager sm = adapter()) {
            Map<String, SecretVersion> all = sm.getAll(asked);
            assertThat(all.keySet()).containsExactlyElementsOf(names);
            all.forEach((n, v) -> {
                assertThat(v.name()).isEqualTo(n);
                assertThat(v.field("v").reveal()).isEqualTo(written.get(n));
                assertThat(v.stages()).containsExactly("AWSCURRENT");
            });
        }
        List<LoggedRequest> calls = requests("BatchGetSecretValue");
        // 20 ids: pages of 8, 8, 4; then 5 ids: one page.
        assertThat(calls).hasSize(4);
        JsonNode first = body(calls.get(0));
        assertThat(first.path("SecretIdList")).hasSize(20);
        assertThat(first.path("SecretIdList").get(0).asText()).isEqualTo("batch/s0");
        assertThat(first.has("NextToken")).isFalse();
        assertThat(body(calls.get(1)).path("NextToken").asText()).isNotEmpty();
        assertThat(body(calls.get(1)).path("SecretIdList")).isEqualTo(first.path("SecretIdList"));
        assertThat(body(calls.get(2)).path("NextToken").asText())
                .isNotEqualTo(body(calls.get(1)).path("NextToken").asText());
        assertThat(body(calls.get(3)))
                .isEqualTo(json("{\"SecretIdList\":[\"batch/s20\",\"batch/s21\",\"batch/s22\",\"batch/s23\","
                        + "\"batch/s24\"]}"));
    }

    @Test
    void getAllNamesEverySecretThatFailedAndAnArnKeysItsVersion() {
        aws.seed("there", "{\"v\":\"" + value("there") + "\"}", null);
        try (AwsSecretsManager sm = adapter()) {
            assertThatThrownBy(() -> sm.getAll(List.of("there", "missing-1", "missing-2")))
                    .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("missing-1: ResourceNotFoundException")
                                .contains("missing-2: ResourceNotFoundException")
                                .doesNotContain("there:");
                        assertClean(e);
                    });
            String arn = aws.arn("there");
            String partial = arn.substring(0, arn.length() - 7);
            Map<String, SecretVersion> byArn = sm.getAll(List.of(arn, partial));
            assertThat(byArn.keySet()).containsExactly(arn, partial);
            assertThat(byArn.get(arn).name()).isEqualTo(arn);
            assertThat(byArn.get(partial).field("v")).isEqualTo(byArn.get(arn).field("v"));
        }
    }

    // ---- watch ----

    @Test
    void watchReadsOnlyMetadataAndReportsEachMoveOfAwsCurrentOnce() throws Exception {
        String v1 = aws.seed("rotating", "{\"t\":\"" + value("t1") + "\"}", null);
        List<SecretRotated> heard = new CopyOnWriteArrayList<>();
        try (AwsSecretsManager sm = adapter()) {
            AutoCloseable watch = sm.watch(Set.of("rotating"), Duration.ofMillis(5), heard::add);
            try {
                // The baseline was read before watch() returned.
                assertThat(aws.calls("DescribeSecret")).isGreaterThanOrEqualTo(1);
                int before = aws.calls("DescribeSecret");
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> aws.calls("DescribeSecret") >= before + 3);
                assertThat(heard).isEmpty();
                String v2 = aws.seed("rotating", "{\"t\":\"" + value("t2") + "\"}", null);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
                SecretRotated r = heard.get(0);
                assertThat(r)
                        .extracting(
                                SecretRotated::system,
                                SecretRotated::instance,
                                SecretRotated::name,
                                SecretRotated::version,
                                SecretRotated::previousVersion)
                        .containsExactly("aws-secrets-manager", "aws", "rotating", v2, v1);
                int after = aws.calls("DescribeSecret");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> aws.calls("DescribeSecret") >= after + 3);
                assertThat(heard).hasSize(1);
            } finally {
                watch.close();
            }
        }
        assertThat(requests("GetSecretValue")).isEmpty();
        assertThat(requests("BatchGetSecretValue")).isEmpty();
        for (LoggedRequest r : requests("DescribeSecret")) {
            assertThat(body(r)).isEqualTo(json("{\"SecretId\":\"rotating\"}"));
            assertThat(r.getHeader("Authorization")).matches(AUTHORIZATION);
        }
    }

    @Test
    void aWatchedSecretThatDoesNotExistYetIsLoggedOnceAndItsFirstVersionIsTheBaseline() throws Exception {
        List<SecretRotated> heard = new CopyOnWriteArrayList<>();
        try (AwsSecretsManager sm = adapter()) {
            AutoCloseable watch = sm.watch(Set.of("later"), Duration.ofMillis(5), heard::add);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> aws.calls("DescribeSecret") >= 4);
                aws.seed("later", "{\"t\":\"" + value("first") + "\"}", null);
                int seen = aws.calls("DescribeSecret");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> aws.calls("DescribeSecret") >= seen + 3);
                assertThat(heard).isEmpty();
                String v2 = aws.seed("later", "{\"t\":\"" + value("second") + "\"}", null);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
                assertThat(heard.get(0).version()).isEqualTo(v2);
            } finally {
                watch.close();
            }
        }
        String logs = output.text();
        assertThat(logs.lines().filter(l -> l.contains("watching later failed")))
                .hasSize(1);
        assertThat(logs).contains("watching later works again");
    }

    @Test
    void aWatchNeedsNamesAndAPositiveInterval() {
        try (AwsSecretsManager sm = adapter()) {
            assertThatThrownBy(() -> sm.watch(Set.of(), Duration.ofSeconds(1), r -> {}))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sm.watch(Set.of("x"), Duration.ZERO, r -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT0S");
        }
    }

    // ---- errors ----

    @Test
    void errorsAreTypedWithTheOperationSecretStatusRequestIdAndAwsMessageAndNot4xxRetried() {
        aws.failNext(
                "GetSecretValue",
                400,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/ci is not"
                        + " authorized to perform: secretsmanager:GetSecretValue");
        aws.failNext("GetSecretValue", 400, "InvalidParameterException", "Invalid parameter.");
        aws.failNext(
                "GetSecretValue",
                400,
                "DecryptionFailure",
                "Secrets Manager can't decrypt the protected secret" + " text using the provided KMS key.");
        try (AwsSecretsManager sm = adapter()) {
            assertThatThrownBy(() -> sm.get("prod/a"))
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                        assertThat(e.system()).isEqualTo("aws-secrets-manager");
                        assertThat(e.instance()).isEqualTo("aws");
                        assertThat(e.method()).isEqualTo("POST");
                        assertThat(e.path()).isEqualTo("GetSecretValue prod/a");
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.requestId()).matches("[0-9a-f-]{36}");
                        assertThat(e.serverMessage()).startsWith("AccessDeniedException: User: arn:aws:iam::");
                        assertThat(e.getCause()).isNull();
                    });
            assertThatThrownBy(() -> sm.get("prod/a")).isInstanceOf(AdapterRequestRefusedException.class);
            assertThatThrownBy(() -> sm.get("prod/a")).isInstanceOf(AdapterAuthenticationException.class);
            assertThatThrownBy(() -> sm.get("prod/missing"))
                    .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("aws-secrets-manager (aws) POST GetSecretValue prod/missing: HTTP 400")
                                .contains("ResourceNotFoundException: Secrets Manager can't find the specified"
                                        + " secret.");
                        assertClean(e);
                    });
        }
        assertThat(requests("GetSecretValue")).hasSize(4);
    }

    @Test
    void aWrongSecretKeyIsAnAuthenticationFailureNamingNoCredential() {
        Map<String, String> c = config();
        c.put(P + "auth.secret-access-key", "wrongSecretAccessKey/00000000000000000000");
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThatThrownBy(() -> sm.get("prod/db"))
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                        assertThat(e.serverMessage())
                                .startsWith("InvalidSignatureException: The request signature we calculated does not"
                                        + " match");
                        assertThat(e.getMessage()).doesNotContain("wrongSecretAccessKey");
                        assertClean(e);
                    });
        }
        assertThat(requests("GetSecretValue")).hasSize(1);
        assertThat(output.text()).doesNotContain("wrongSecretAccessKey");
    }

    @Test
    void anUnknownAccessKeyIsUnrecognizedClient() {
        Map<String, String> c = config();
        c.put(P + "auth.access-key-id", "AKIAUNKNOWNKEY000000");
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThatThrownBy(() -> sm.list("x").toList())
                    .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                        assertThat(e.serverMessage()).startsWith("UnrecognizedClientException: ");
                        assertThat(e.getMessage()).doesNotContain("AKIAUNKNOWNKEY000000");
                    });
        }
    }

    @Test
    void throttlingIsRetriedWithTheSdksBackoffThroughTheSleeperThenRateLimited() {
        aws.seed("busy", "{\"v\":\"" + value("busy") + "\"}", null);
        aws.failNext("GetSecretValue", 400, "ThrottlingException", "Rate exceeded");
        TestContext once = new TestContext(config());
        try (AwsSecretsManager sm = adapter(once)) {
            assertThat(sm.get("busy").data()).containsOnlyKeys("v");
        }
        assertThat(requests("GetSecretValue")).hasSize(2);
        assertThat(once.waits).hasSize(1);
        assertThat(once.waits.get(0)).isBetween(Duration.ZERO, Duration.ofSeconds(20));

        aws.server().resetRequests();
        for (int i = 0; i < 3; i++) {
            aws.failNext("GetSecretValue", 400, "ThrottlingException", "Rate exceeded");
        }
        TestContext always = new TestContext(config());
        try (AwsSecretsManager sm = adapter(always)) {
            assertThatThrownBy(() -> sm.get("busy")).isInstanceOfSatisfying(AdapterRateLimitedException.class, e -> {
                assertThat(e.serverMessage()).isEqualTo("ThrottlingException: Rate exceeded");
                assertThat(e.retryAfter()).isZero();
                assertClean(e);
            });
        }
        assertThat(requests("GetSecretValue")).hasSize(3);
        assertThat(always.waits).hasSize(2);
        assertThat(output.text()).contains("ThrottlingException: Rate exceeded");
    }

    @Test
    void serverErrorsAreRetriedThenUnavailableAndNoResponseIsUnavailableToo() throws IOException {
        for (int i = 0; i < 3; i++) {
            aws.failNext("ListSecrets", 500, "InternalServiceError", "An error occurred on the server side.");
        }
        TestContext context = new TestContext(config());
        try (AwsSecretsManager sm = adapter(context)) {
            assertThatThrownBy(() -> sm.list("a").toList())
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.serverMessage()).startsWith("InternalServiceError: ");
                    });
        }
        assertThat(requests("ListSecrets")).hasSize(3);
        assertThat(context.waits).hasSize(2);

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> c = config();
        c.put(P + "endpoint-override", "http://127.0.0.1:" + closedPort);
        c.put(P + "max-attempts", "2");
        TestContext refused = new TestContext(c);
        try (AwsSecretsManager sm = adapter(refused)) {
            assertThatThrownBy(() -> sm.get("x")).isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.serverMessage())
                        .startsWith("no response: SdkClientException")
                        .contains("Connect");
                assertClean(e);
            });
        }
        assertThat(refused.waits).hasSize(1);
        assertThat(refused.meters
                        .get("scaleplane.adapter.errors")
                        .tag("status", "IO_ERROR")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    // ---- credentials ----

    @Test
    void temporaryStaticKeysSendTheirSessionTokenSigned() {
        aws.seed("t", "{\"v\":\"" + value("t") + "\"}", null);
        Map<String, String> c = config();
        c.put(P + "auth.access-key-id", FakeSecretsManager.TEMP_ACCESS_KEY_ID);
        c.put(P + "auth.secret-access-key", FakeSecretsManager.TEMP_SECRET_ACCESS_KEY);
        c.put(P + "auth.session-token", FakeSecretsManager.TEMP_SESSION_TOKEN);
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThat(sm.get("t").data()).containsOnlyKeys("v");
        }
        LoggedRequest r = requests("GetSecretValue").get(0);
        assertThat(r.getHeader("X-Amz-Security-Token")).isEqualTo(FakeSecretsManager.TEMP_SESSION_TOKEN);
        assertThat(SigV4.parse(r.getHeader("Authorization")).signedHeaders()).contains("x-amz-security-token");
    }

    @Test
    void aNamedProfileOfACredentialsFileSignsTheRequests(@TempDir Path dir) throws IOException {
        aws.seed("p", "{\"v\":\"" + value("p") + "\"}", null);
        Path file = dir.resolve("credentials");
        Files.writeString(
                file,
                "[default]\naws_access_key_id = AKIAOTHERPROFILE0000\naws_secret_access_key = other\n\n"
                        + "[ci]\naws_access_key_id = " + FakeSecretsManager.ACCESS_KEY_ID + "\naws_secret_access_key = "
                        + FakeSecretsManager.SECRET_ACCESS_KEY + "\n");
        Map<String, String> c = config();
        c.remove(P + "auth.access-key-id");
        c.remove(P + "auth.secret-access-key");
        c.put(P + "auth.type", "profile");
        c.put(P + "auth.profile", "ci");
        c.put(P + "auth.profile-file", file.toString());
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThat(sm.get("p").data()).containsOnlyKeys("v");
        }
        assertThat(requests("GetSecretValue").get(0).getHeader("Authorization")).matches(AUTHORIZATION);

        c.put(P + "auth.profile", "nope");
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThatThrownBy(() -> sm.get("p")).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.serverMessage()).startsWith("credentials unavailable (auth.type profile)");
                assertThat(e.getMessage()).contains("nope");
                assertClean(e);
            });
        }
        assertThat(requests("GetSecretValue")).hasSize(1);
    }

    @Test
    void webIdentityAssumesTheRoleUnsignedWithTheTokenFileThenSignsWithTheTemporaryKeys(@TempDir Path dir)
            throws IOException {
        aws.seed("w", "{\"v\":\"" + value("w") + "\"}", null);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, FakeSecretsManager.WEB_IDENTITY_TOKEN + "\n");
        Map<String, String> c = config();
        c.remove(P + "auth.access-key-id");
        c.remove(P + "auth.secret-access-key");
        c.put(P + "auth.type", "web-identity");
        c.put(P + "auth.role-arn", FakeSecretsManager.ROLE_ARN);
        c.put(P + "auth.web-identity-token-file", tokenFile.toString());
        c.put(P + "auth.sts-endpoint-override", aws.baseUrl());
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThat(sm.get("w").data()).containsOnlyKeys("v");
            assertThat(sm.get("w").data()).containsOnlyKeys("v");
        }
        List<LoggedRequest> sts = requests("sts");
        assertThat(sts).hasSize(1);
        LoggedRequest assume = sts.get(0);
        assertThat(assume.getHeader("Authorization")).isNull();
        assertThat(assume.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = new HashMap<>();
        for (String pair : assume.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(form)
                .containsEntry("Action", "AssumeRoleWithWebIdentity")
                .containsEntry("Version", "2011-06-15")
                .containsEntry("RoleArn", FakeSecretsManager.ROLE_ARN)
                .containsEntry("RoleSessionName", "scaleplane-aws")
                .containsEntry("WebIdentityToken", FakeSecretsManager.WEB_IDENTITY_TOKEN);
        for (LoggedRequest get : requests("GetSecretValue")) {
            assertThat(get.getHeader("Authorization")).contains("Credential=ASIAWEBIDENTITY00001/");
            assertThat(get.getHeader("X-Amz-Security-Token")).startsWith("webIdentitySessionToken/");
        }

        Files.writeString(tokenFile, "eyJhbGciOiJSUzI1NiJ9.not-the-right-token.c2ln");
        try (AwsSecretsManager sm = adapter(new TestContext(c))) {
            assertThatThrownBy(() -> sm.get("w")).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                assertThat(e.serverMessage())
                        .startsWith("credentials unavailable (auth.type web-identity)")
                        .contains("InvalidIdentityToken");
                assertThat(e.getMessage()).doesNotContain("not-the-right-token");
            });
        }
    }

    // ---- metrics, settings, registration ----

    @Test
    void metersCountCallsAndErrorsPerOperation() {
        aws.seed("m", "{\"v\":\"" + value("m") + "\"}", null);
        TestContext context = new TestContext(config());
        try (AwsSecretsManager sm = adapter(context)) {
            sm.get("m");
            sm.get("m");
            assertThatThrownBy(() -> sm.get("missing")).isInstanceOf(AdapterNotFoundException.class);
        }
        assertThat(context.meters
                        .get("scaleplane.adapter.calls")
                        .tags("system", "aws-secrets-manager", "instance", "aws", "method", "POST")
                        .tags("path", "secretsmanager.GetSecretValue", "status", "200", "outcome", "SUCCESS")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(context.meters
                        .get("scaleplane.adapter.errors")
                        .tags("path", "secretsmanager.GetSecretValue", "status", "400", "outcome", "CLIENT_ERROR")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void badSettingsAreReportedTogetherWithKeysRedacted() {
        Map<String, String> c = new HashMap<>();
        c.put(P + "type", "aws-secrets-manager");
        c.put(P + "region", "Frankfurt");
        c.put(P + "endpoint-override", "ftp://example.com");
        c.put(P + "auth.access-key-id", FakeSecretsManager.ACCESS_KEY_ID);
        c.put(P + "auth.role-arn", FakeSecretsManager.ROLE_ARN);
        c.put(P + "page-size", "0");
        c.put(P + "max-attempts", "11");
        assertThatThrownBy(() -> new AwsSecretsManagerProvider().validate("aws", ScaleplaneProperties.of(c)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "region",
                                    P + "endpoint-override",
                                    P + "auth.secret-access-key",
                                    P + "auth.role-arn",
                                    P + "page-size",
                                    P + "max-attempts");
                    assertThat(e.getMessage()).contains("Frankfurt", "eu-central-1", "required by auth.type static");
                    assertClean(e);
                });

        Map<String, String> wi = new HashMap<>();
        wi.put(P + "auth.type", "web-identity");
        wi.put(P + "auth.role-arn", "role/platform");
        wi.put(P + "auth.secret-access-key", FakeSecretsManager.SECRET_ACCESS_KEY);
        wi.put(P + "auth.role-session-name", "x");
        assertThatThrownBy(() -> new AwsSecretsManagerProvider().validate("aws", ScaleplaneProperties.of(wi)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    P + "auth.role-arn",
                                    P + "auth.web-identity-token-file",
                                    P + "auth.role-session-name",
                                    P + "auth.secret-access-key");
                    assertThat(e.getMessage()).contains("role/platform", "not used by auth.type web-identity");
                    assertClean(e);
                });

        Map<String, String> type = new HashMap<>();
        type.put(P + "auth.type", "iam-role");
        assertThatThrownBy(() -> new AwsSecretsManagerProvider().validate("aws", ScaleplaneProperties.of(type)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("static, profile, web-identity, default");
    }

    @Test
    void defaultsAndTheServiceLoaderRegistration() {
        AwsSettings s = AwsSettings.read("plat/form", ScaleplaneProperties.of(Map.of()));
        assertThat(s.region()).isNull();
        assertThat(s.endpointOverride()).isNull();
        assertThat(s.auth()).isEqualTo(AwsSettings.Auth.DEFAULT);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.pageSize()).isEqualTo(100);
        assertThat(s.roleSessionName()).isEqualTo("scaleplane-plat-form");

        AwsSettings keys = AwsSettings.read("aws", ScaleplaneProperties.of(config()));
        assertThat(keys.auth()).isEqualTo(AwsSettings.Auth.STATIC);
        assertThat(keys.toString()).contains("access-key-id=****").doesNotContain(credentials());

        List<SecretsAdapterProvider> found = ServiceLoader.load(SecretsAdapterProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof AwsSecretsManagerProvider)
                .toList();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).name()).isEqualTo("aws-secrets-manager");
        assertThat(found.get(0).capabilities()).isEqualTo(EnumSet.allOf(SecretsCapability.class));
        try (AwsSecretsManager sm = adapter()) {
            assertThat(sm.system()).isEqualTo("aws-secrets-manager");
            assertThat(sm.name()).isEqualTo("aws");
            assertThat(sm.toString()).doesNotContain(credentials());
        }
    }
}
