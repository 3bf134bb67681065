package dev.scaleplane.adapters.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of AWS Secrets Manager, never the real service: stateful, inside WireMock as a response transformer (so
 * WireMock's journal records every request), speaking the JSON 1.1 protocol the API reference documents
 * (docs.aws.amazon.com/secretsmanager/latest/apireference): {@code POST /} with {@code X-Amz-Target:
 * secretsmanager.<Operation>}, {@code Content-Type: application/x-amz-json-1.1}, a JSON body, answers in JSON with
 * {@code x-amzn-RequestId}, errors as {@code 400 {"__type": <code>, "Message": ...}} (500 for {@code
 * InternalServiceError}), timestamps in epoch seconds.
 *
 * <p>Every request must be signed with AWS Signature Version 4 by a known key: the {@code Authorization} header is
 * parsed ({@code AWS4-HMAC-SHA256 Credential=<key>/<date>/us-east-1/secretsmanager/aws4_request, SignedHeaders=...,
 * Signature=...}), the scope checked against {@code X-Amz-Date} (within 15 minutes), {@code host} and {@code
 * x-amz-date} must be signed, and the signature recomputed ({@link SigV4}) with the key's secret. An unknown key is
 * {@code UnrecognizedClientException}; a wrong signature or scope {@code InvalidSignatureException}; temporary keys
 * need their {@code X-Amz-Security-Token}, signed.
 *
 * <p>Operations: {@code GetSecretValue} (by {@code VersionId} or {@code VersionStage}, default {@code AWSCURRENT}),
 * {@code BatchGetSecretValue} ({@code SecretIdList} of at most 20, {@link #batchPageSize} results per page with {@code
 * NextToken}, missing secrets in {@code Errors}), {@code ListSecrets} (the {@code name} filter as a case-sensitive
 * prefix, {@code !} negating; pages of {@code MaxResults} scanned over all secrets in name order, so a filtered page
 * may be empty and still carry {@code NextToken}, as AWS documents), {@code PutSecretValue} (the {@code
 * ClientRequestToken}, required here, becomes the {@code VersionId}; the same token again with the same value is the
 * same version, with another value {@code ResourceExistsException}; {@code AWSCURRENT} moves to the new version,
 * {@code AWSPREVIOUS} to the old current), {@code CreateSecret}, {@code DescribeSecret} ({@code VersionIdsToStages}).
 * A {@code SecretId} is a name, a full ARN or an ARN without its 6-character suffix.
 *
 * <p>STS: {@code AssumeRoleWithWebIdentity} in the Query protocol (form body, XML answer), unsigned as the SDK sends
 * it, for role {@value #ROLE_ARN} and token {@value #WEB_IDENTITY_TOKEN}; it issues temporary keys the simulation then
 * accepts.
 */
final class FakeSecretsManager extends VendorSimulation {
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String ACCESS_KEY_ID = "AKIAFAKESIMULATION01";
    static final String SECRET_ACCESS_KEY = "simulatedSecretAccessKey/0000000000000000";
    static final String TEMP_ACCESS_KEY_ID = "ASIAFAKESIMULATION02";
    static final String TEMP_SECRET_ACCESS_KEY = "simulatedTemporarySecretKey/000000000000";
    static final String TEMP_SESSION_TOKEN = "simulatedSessionToken//////////////////////0001";
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/scaleplane-platform";
    static final String WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.simulated-oidc-token.c2lnbmF0dXJl";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    // guarded by this
    private final Map<String, Key> keys = new HashMap<>();
    private final Map<String, Secret> secrets = new TreeMap<>();
    private int batchPageSize = 20;
    private int issued;

    private record Key(String secret, @Nullable String sessionToken) {}

    private static final class Secret {
        final String name;
        final String arn;
        final double created;
        final Map<String, Version> versions = new LinkedHashMap<>();
        boolean deleted;

        Secret(String name, String arn, double created) {
            this.name = name;
            this.arn = arn;
            this.created = created;
        }
    }

    private static final class Version {
        final String id;
        final @Nullable String string;
        final byte @Nullable [] binary;
        final double created;
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, @Nullable String string, byte @Nullable [] binary, double created) {
            this.id = id;
            this.string = string;
            this.binary = binary;
            this.created = created;
        }
    }

    private FakeSecretsManager() {
        super("fake-secrets-manager");
    }

    /** Starts a simulation on a free port. */
    static FakeSecretsManager launch() {
        return started(new FakeSecretsManager());
    }

    /** Forgets every secret and issued key (the base forgets failures, counts and recorded requests). */
    @Override
    protected void resetState() {
        secrets.clear();
        keys.clear();
        keys.put(ACCESS_KEY_ID, new Key(SECRET_ACCESS_KEY, null));
        keys.put(TEMP_ACCESS_KEY_ID, new Key(TEMP_SECRET_ACCESS_KEY, TEMP_SESSION_TOKEN));
        batchPageSize = 20;
        issued = 0;
    }

    /** How many results a {@code BatchGetSecretValue} page holds before it continues with {@code NextToken}. */
    synchronized void batchPageSize(int size) {
        batchPageSize = size;
    }

    /** The next call of {@code operation} fails with {@code status} and AWS error {@code type}, without acting. */
    void failNext(String operation, int status, String type, String message) {
        failNext(new InjectedFailure(status, null, operation, type, message, false));
    }

    /** The next call of {@code operation} acts, then answers {@code status}: a response lost on the way back. */
    void failNextAfterApplying(String operation, int status, String type, String message) {
        failNext(new InjectedFailure(status, null, operation, type, message, true));
    }

    /** How many calls of {@code operation} were answered (failures included). */
    int calls(String operation) {
        return requestCount(operation);
    }

    /** Creates or adds a version of {@code name} directly, as another AWS client would; returns the version id. */
    synchronized String seed(String name, @Nullable String string, byte @Nullable [] binary) {
        Secret s = secrets.computeIfAbsent(name, n -> new Secret(n, newArn(n), now()));
        Version v = new Version(UUID.randomUUID().toString(), string, binary, now());
        s.versions.put(v.id, v);
        moveCurrent(s, v);
        return v.id;
    }

    /** The version ids of {@code name} with their stages, oldest first. */
    synchronized Map<String, Set<String>> stages(String name) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Secret s = secrets.get(name);
        if (s != null) {
            s.versions.values().forEach(v -> out.put(v.id, Set.copyOf(v.stages)));
        }
        return out;
    }

    /** The stored {@code SecretString} of the current version of {@code name}. */
    synchronized @Nullable String currentString(String name) {
        Secret s = secrets.get(name);
        Version v = s == null ? null : byStage(s, "AWSCURRENT");
        return v == null ? null : v.string;
    }

    /** The ARN of {@code name}. */
    synchronized String arn(String name) {
        return secrets.get(name).arn;
    }

    /** Marks {@code name} as scheduled for deletion. */
    synchronized void scheduleDeletion(String name) {
        secrets.get(name).deleted = true;
    }

    // ---- dispatch ----

    /** The Secrets Manager operation ({@code X-Amz-Target}), or {@code sts.<Action>} for an STS request. */
    @Override
    protected String requestKey(Request request) {
        String target = request.getHeader("X-Amz-Target");
        if (target == null) {
            return "sts." + formFields(request.getBodyAsString()).getOrDefault("Action", "");
        }
        return target.startsWith("secretsmanager.") ? target.substring("secretsmanager.".length()) : target;
    }

    /** A request AWS refuses before acting on it: not JSON 1.1, or not signed by a known key. */
    @Override
    protected @Nullable ResponseDefinition refuseBeforeFaults(Request request) {
        if (request.getHeader("X-Amz-Target") == null) {
            return null;
        }
        if (!JSON_11.equals(request.getHeader("Content-Type"))) {
            return error(400, "SerializationException", "Content-Type must be " + JSON_11);
        }
        return checkSignature(request);
    }

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        String type = failure.code() == null ? "InternalServiceError" : failure.code();
        return request.getHeader("X-Amz-Target") == null
                ? stsError(failure.status(), type, failure.message() == null ? "" : failure.message())
                : error(failure.status(), type, failure.message());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        String target = request.getHeader("X-Amz-Target");
        if (target == null) {
            return sts(request);
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getBody());
        } catch (java.io.IOException e) {
            return error(400, "SerializationException", "the body is not JSON");
        }
        return switch (requestKey(request)) {
            case "GetSecretValue" -> getSecretValue(body);
            case "BatchGetSecretValue" -> batchGetSecretValue(body);
            case "ListSecrets" -> listSecrets(body);
            case "PutSecretValue" -> putSecretValue(body);
            case "CreateSecret" -> createSecret(body);
            case "DescribeSecret" -> describeSecret(body);
            default -> error(400, "UnknownOperationException", null);
        };
    }

    private @Nullable ResponseDefinition checkSignature(Request request) {
        SigV4.Authorization auth = SigV4.parse(request.getHeader("Authorization"));
        String amzDate = request.getHeader("X-Amz-Date");
        if (auth == null || amzDate == null) {
            return error(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Key key = keys.get(auth.accessKeyId());
        if (key == null) {
            return error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!auth.signedHeaders().contains("host") || !auth.signedHeaders().contains("x-amz-date")) {
            return error(400, "InvalidSignatureException", "'Host' and 'X-Amz-Date' must be signed.");
        }
        if (!auth.region().equals(REGION)) {
            return error(
                    400,
                    "InvalidSignatureException",
                    "Credential should be scoped to a valid region, not '" + auth.region() + "'.");
        }
        if (!auth.service().equals("secretsmanager")) {
            return error(
                    400,
                    "InvalidSignatureException",
                    "Credential should be scoped to correct service: 'secretsmanager'.");
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return error(400, "IncompleteSignatureException", "X-Amz-Date is not in the ISO 8601 basic format.");
        }
        if (!amzDate.startsWith(auth.date())
                || Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
            return error(400, "InvalidSignatureException", "Signature expired or scoped to another date.");
        }
        String token = request.getHeader("X-Amz-Security-Token");
        if (key.sessionToken() != null
                && (!key.sessionToken().equals(token) || !auth.signedHeaders().contains("x-amz-security-token"))) {
            return error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (key.sessionToken() == null && token != null) {
            return error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        String expected = SigV4.expectedSignature(request, auth, amzDate, key.secret());
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            return error(
                    400,
                    "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided. Check your AWS"
                            + " Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return null;
    }

    // ---- operations ----

    private ResponseDefinition getSecretValue(JsonNode body) {
        Secret s = find(body.path("SecretId").asText(null));
        if (s == null) {
            return notFound();
        }
        if (s.deleted) {
            return markedForDeletion();
        }
        String versionId = body.path("VersionId").asText(null);
        String stage = body.path("VersionStage").asText(null);
        Version v;
        if (versionId != null) {
            v = s.versions.get(versionId);
            if (v == null || (stage != null && !v.stages.contains(stage))) {
                return error(
                        400,
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
            }
        } else {
            String wanted = stage == null ? "AWSCURRENT" : stage;
            v = byStage(s, wanted);
            if (v == null) {
                return error(
                        400,
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for staging label: " + wanted);
            }
        }
        return json(value(s, v));
    }

    private ObjectNode value(Secret s, Version v) {
        ObjectNode out =
                JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", v.id);
        if (v.string != null) {
            out.put("SecretString", v.string);
        }
        if (v.binary != null) {
            out.put("SecretBinary", Base64.getEncoder().encodeToString(v.binary));
        }
        ArrayNode stages = out.putArray("VersionStages");
        v.stages.forEach(stages::add);
        out.put("CreatedDate", v.created);
        return out;
    }

    private ResponseDefinition batchGetSecretValue(JsonNode body) {
        JsonNode ids = body.path("SecretIdList");
        if (!ids.isArray() || body.has("Filters")) {
            return error(400, "InvalidParameterException", "You must include Filters or SecretIdList, but not both.");
        }
        if (ids.size() > 20) {
            return error(400, "InvalidParameterException", "SecretIdList can contain at most 20 secret IDs.");
        }
        if (body.has("MaxResults")) {
            return error(400, "InvalidParameterException", "MaxResults is only valid with Filters.");
        }
        int from = offset(body.path("NextToken").asText(null));
        if (from < 0) {
            return error(400, "InvalidNextTokenException", "The NextToken value is invalid.");
        }
        int to = Math.min(ids.size(), from + batchPageSize);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode values = out.putArray("SecretValues");
        ArrayNode errors = out.putArray("Errors");
        for (int i = from; i < to; i++) {
            String id = ids.get(i).asText();
            Secret s = find(id);
            Version v = s == null || s.deleted ? null : byStage(s, "AWSCURRENT");
            if (v == null) {
                errors.addObject()
                        .put("SecretId", id)
                        .put("ErrorCode", "ResourceNotFoundException")
                        .put("Message", "Secrets Manager can't find the specified secret.");
            } else {
                values.add(value(s, v));
            }
        }
        if (to < ids.size()) {
            out.put("NextToken", token(to));
        }
        return json(out);
    }

    private ResponseDefinition listSecrets(JsonNode body) {
        int max = body.path("MaxResults").asInt(100);
        if (max < 1 || max > 100) {
            return error(400, "InvalidParameterException", "MaxResults must be between 1 and 100.");
        }
        List<String> prefixes = new ArrayList<>();
        for (JsonNode f : body.path("Filters")) {
            if (!"name".equals(f.path("Key").asText())) {
                return error(400, "InvalidParameterException", "the simulation filters by name only");
            }
            f.path("Values").forEach(v -> prefixes.add(v.asText()));
        }
        boolean planned = body.path("IncludePlannedDeletion").asBoolean(false);
        List<Secret> all = new ArrayList<>(secrets.values());
        int from = offset(body.path("NextToken").asText(null));
        if (from < 0 || from > all.size()) {
            return error(400, "InvalidNextTokenException", "The NextToken value is invalid.");
        }
        int to = Math.min(all.size(), from + max);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("SecretList");
        for (Secret s : all.subList(from, to)) {
            if ((s.deleted && !planned) || !matches(s.name, prefixes)) {
                continue;
            }
            ObjectNode e = list.addObject()
                    .put("ARN", s.arn)
                    .put("Name", s.name)
                    .put("CreatedDate", s.created)
                    .put("LastChangedDate", lastChanged(s));
            ObjectNode stages = e.putObject("SecretVersionsToStages");
            staged(s).forEach((id, st) -> st.forEach(stages.putArray(id)::add));
        }
        if (to < all.size()) {
            out.put("NextToken", token(to));
        }
        return json(out);
    }

    private static boolean matches(String name, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return true;
        }
        for (String p : prefixes) {
            boolean negate = p.startsWith("!");
            String prefix = negate ? p.substring(1) : p;
            if (name.startsWith(prefix) != negate) {
                return true;
            }
        }
        return false;
    }

    private ResponseDefinition putSecretValue(JsonNode body) {
        Secret s = find(body.path("SecretId").asText(null));
        if (s == null) {
            return notFound();
        }
        if (s.deleted) {
            return markedForDeletion();
        }
        String token = body.path("ClientRequestToken").asText(null);
        if (token == null || token.length() < 32 || token.length() > 64) {
            return error(400, "InvalidParameterException", "ClientRequestToken must be 32 to 64 characters.");
        }
        ResponseDefinition bad = checkValue(body);
        if (bad != null) {
            return bad;
        }
        String string = body.path("SecretString").asText(null);
        byte[] binary = binary(body);
        Version existing = s.versions.get(token);
        if (existing != null) {
            if (java.util.Objects.equals(existing.string, string) && Arrays.equals(existing.binary, binary)) {
                return json(written(s, existing));
            }
            return error(
                    400,
                    "ResourceExistsException",
                    "You can't modify an existing version, you can only create new versions.");
        }
        Version v = new Version(token, string, binary, now());
        s.versions.put(token, v);
        moveCurrent(s, v);
        return json(written(s, v));
    }

    private ObjectNode written(Secret s, Version v) {
        ObjectNode out =
                JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", v.id);
        ArrayNode stages = out.putArray("VersionStages");
        v.stages.forEach(stages::add);
        return out;
    }

    private ResponseDefinition createSecret(JsonNode body) {
        String name = body.path("Name").asText(null);
        if (name == null || !NAME.matcher(name).matches()) {
            return error(
                    400,
                    "InvalidParameterException",
                    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following:"
                            + " -/_+=.@!");
        }
        if (secrets.containsKey(name)) {
            return error(
                    400,
                    "ResourceExistsException",
                    "The operation failed because the secret " + name + " already exists.");
        }
        ResponseDefinition bad = checkValue(body);
        if (bad != null) {
            return bad;
        }
        String token = body.path("ClientRequestToken").asText(null);
        if (token == null || token.length() < 32) {
            return error(400, "InvalidParameterException", "ClientRequestToken must be 32 to 64 characters.");
        }
        Secret s = new Secret(name, newArn(name), now());
        secrets.put(name, s);
        ObjectNode out = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name);
        if (body.has("SecretString") || body.has("SecretBinary")) {
            Version v = new Version(token, body.path("SecretString").asText(null), binary(body), now());
            s.versions.put(token, v);
            moveCurrent(s, v);
            out.put("VersionId", v.id);
        }
        return json(out);
    }

    private ResponseDefinition describeSecret(JsonNode body) {
        Secret s = find(body.path("SecretId").asText(null));
        if (s == null) {
            return notFound();
        }
        ObjectNode out = JSON.createObjectNode()
                .put("ARN", s.arn)
                .put("Name", s.name)
                .put("CreatedDate", s.created)
                .put("LastChangedDate", lastChanged(s));
        if (s.deleted) {
            out.put("DeletedDate", now());
        }
        ObjectNode stages = out.putObject("VersionIdsToStages");
        staged(s).forEach((id, st) -> st.forEach(stages.putArray(id)::add));
        return json(out);
    }

    private static @Nullable ResponseDefinition checkValue(JsonNode body) {
        boolean string = body.has("SecretString");
        boolean binary = body.has("SecretBinary");
        if (string && binary) {
            return error(
                    400, "InvalidParameterException", "You can't specify both a binary secret value and a string.");
        }
        if (string && body.path("SecretString").asText().getBytes(StandardCharsets.UTF_8).length > 65536) {
            return error(400, "InvalidParameterException", "SecretString is longer than 65536 bytes.");
        }
        return null;
    }

    // ---- STS ----

    private ResponseDefinition sts(Request request) {
        Map<String, String> form = formFields(request.getBodyAsString());
        String action = form.getOrDefault("Action", "");
        if (!action.equals("AssumeRoleWithWebIdentity") || !"2011-06-15".equals(form.get("Version"))) {
            return stsError(
                    400, "InvalidAction", "Could not find operation " + action + " for version " + form.get("Version"));
        }
        if (!ROLE_ARN.equals(form.get("RoleArn"))) {
            return stsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        if (!WEB_IDENTITY_TOKEN.equals(form.get("WebIdentityToken"))) {
            return stsError(
                    400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
        }
        String session = form.getOrDefault("RoleSessionName", "");
        issued++;
        String keyId = String.format("ASIAWEBIDENTITY%05d", issued);
        String secret = "webIdentitySecret/" + UUID.randomUUID();
        String token = "webIdentitySessionToken/" + UUID.randomUUID();
        keys.put(keyId, new Key(secret, token));
        String expiration = Instant.now()
                .plus(Duration.ofHours(1))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        String xml = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleWithWebIdentityResult>"
                + "<SubjectFromWebIdentityToken>system:serviceaccount:platform:scaleplane</SubjectFromWebIdentityToken>"
                + "<Audience>sts.amazonaws.com</Audience>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::" + ACCOUNT + ":assumed-role/scaleplane-platform/" + session
                + "</Arn><AssumedRoleId>AROASIMULATED00000001:" + session + "</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><SessionToken>" + token + "</SessionToken><SecretAccessKey>" + secret
                + "</SecretAccessKey><Expiration>" + expiration + "</Expiration><AccessKeyId>" + keyId
                + "</AccessKeyId></Credentials>"
                + "<Provider>arn:aws:iam::" + ACCOUNT
                + ":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/SIM</Provider>"
                + "</AssumeRoleWithWebIdentityResult>"
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                + "</AssumeRoleWithWebIdentityResponse>";
        return new ResponseDefinitionBuilder()
                .withStatus(200)
                .withHeader("Content-Type", "text/xml")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withBody(xml)
                .build();
    }

    private static ResponseDefinition stsError(int status, String code, String message) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "text/xml")
                .withBody(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>"
                                + UUID.randomUUID() + "</RequestId></ErrorResponse>")
                .build();
    }

    // ---- state ----

    private @Nullable Secret find(@Nullable String id) {
        if (id == null) {
            return null;
        }
        Secret s = secrets.get(id);
        if (s != null) {
            return s;
        }
        for (Secret c : secrets.values()) {
            if (c.arn.equals(id) || c.arn.startsWith(id + "-")) {
                return c;
            }
        }
        return null;
    }

    private static @Nullable Version byStage(Secret s, String stage) {
        for (Version v : s.versions.values()) {
            if (v.stages.contains(stage)) {
                return v;
            }
        }
        return null;
    }

    /** AWSCURRENT to {@code v}, AWSPREVIOUS to the version that was current. */
    private static void moveCurrent(Secret s, Version v) {
        Version current = byStage(s, "AWSCURRENT");
        if (current == v) {
            return;
        }
        if (current != null) {
            s.versions.values().forEach(x -> x.stages.remove("AWSPREVIOUS"));
            current.stages.remove("AWSCURRENT");
            current.stages.add("AWSPREVIOUS");
        }
        v.stages.add("AWSCURRENT");
    }

    private static Map<String, List<String>> staged(Secret s) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Version v : s.versions.values()) {
            if (!v.stages.isEmpty()) {
                out.put(v.id, List.copyOf(v.stages));
            }
        }
        return out;
    }

    private static double lastChanged(Secret s) {
        return s.versions.values().stream().mapToDouble(v -> v.created).max().orElse(s.created);
    }

    private static byte @Nullable [] binary(JsonNode body) {
        return body.has("SecretBinary")
                ? Base64.getDecoder().decode(body.path("SecretBinary").asText())
                : null;
    }

    private static String newArn(String name) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-" + suffix;
    }

    private static double now() {
        return Instant.now().toEpochMilli() / 1000.0;
    }

    private static String token(int offset) {
        return Base64.getEncoder().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a NextToken stands for, 0 without one, -1 for a token the simulation did not issue. */
    private static int offset(@Nullable String token) {
        if (token == null) {
            return 0;
        }
        try {
            String s = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            return s.startsWith("offset:") ? Integer.parseInt(s.substring(7)) : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static ResponseDefinition notFound() {
        return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private static ResponseDefinition markedForDeletion() {
        return error(
                400,
                "InvalidRequestException",
                "You can't perform this operation on the secret because it was marked for deletion.");
    }

    private static ResponseDefinition json(JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(200)
                .withHeader("Content-Type", JSON_11)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withBody(body.toString())
                .build();
    }

    static ResponseDefinition error(int status, String type, @Nullable String message) {
        ObjectNode body = JSON.createObjectNode().put("__type", type);
        if (message != null) {
            body.put("Message", message);
        }
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", JSON_11)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withBody(body.toString())
                .build();
    }
}
