package dev.scaleplane.adapters.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of HashiCorp Vault's HTTP API, stateful, inside WireMock as a response transformer (so that WireMock's
 * request journal records every request for assertions). Never the real Vault: it answers with the request and
 * response shapes of developer.hashicorp.com/vault/api-docs (the HTTP API overview, "KV secrets engine - version 2
 * (API)", "Token auth method (API)", "Kubernetes auth method (API)"), and where those pages are silent with what the
 * KV plugin's {@code path_data.go} does:
 *
 * <ul>
 *   <li>KV v2 at {@code /v1/<mount>/}: {@code GET data/:path?version=N} (404 {@code {"errors":[]}} for no secret or no
 *       such version; 404 with the version's metadata for a deleted or destroyed one), {@code POST}/{@code PUT
 *       data/:path} with {@code {"data", "options": {"cas"}}} (check-and-set as the plugin checks it, 10 versions
 *       kept), {@code GET metadata/:path} ({@code current_version}, {@code versions}, ...), {@code LIST metadata/:path}
 *       or {@code GET ...?list=true} ({@code data.keys}, folders ending in {@code /}, 404 {@code {"errors":[]}} when
 *       empty);
 *   <li>tokens: {@code GET /v1/auth/token/lookup-self} ({@code ttl}, {@code renewable}, ...), {@code POST
 *       /v1/auth/token/renew-self} (the lease renewed by the token's TTL, capped at its max TTL with Vault's warning);
 *       a token in {@code X-Vault-Token} or {@code Authorization: Bearer};
 *   <li>Kubernetes auth: {@code POST /v1/auth/<mount>/login} with {@code {"role", "jwt"}}, answering {@code auth}
 *       ({@code client_token}, {@code lease_duration}, {@code renewable}); the JWT is compared with the one the role
 *       was given (Vault would send it to the TokenReview API);
 *   <li>errors as {@code {"errors": [...]}}: 403 {@code permission denied} (a token lacking the policy: read-only
 *       tokens writing) and, with {@code invalid token}, for unknown, revoked or expired tokens, in Go's multierror
 *       text as Vault sends it; 400 for refused writes and logins; 503 {@code Vault is sealed}.
 * </ul>
 *
 * <p>Token leases run on the clock given at launch, so tests move time instead of sleeping. With {@link
 * #namespace(String)} set, every request must carry that {@code X-Vault-Namespace} or gets 403 {@code permission
 * denied} (a simplification: real Vault Enterprise would look for the path or token in the namespace named).
 */
public final class FakeVault extends VendorSimulation {
    /** A token that never expires, with every right: like a root token (its lookup shows {@code ttl} 0). */
    public static final String ROOT_TOKEN = "hvs.TCKroot0000000000000secretvalue";

    static final String MOUNT = "secret";
    static final String KUBERNETES_MOUNT = "kubernetes";
    static final String ROLE = "scaleplane";
    static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRjayJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2ln";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_VERSIONS = 10;
    private static final String PERMISSION_DENIED = "1 error occurred:\n\t* permission denied\n\n";
    private static final String INVALID_TOKEN = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    /** What a token may do with KV data. */
    enum Policy {
        READ_WRITE,
        READ_ONLY
    }

    private static final class Token {
        final String value;
        final Instant issued;
        final Duration ttl;
        final Duration maxTtl;
        final boolean renewable;
        final Policy policy;

        @Nullable
        Instant expires;

        boolean revoked;

        Token(String value, Instant issued, Duration ttl, Duration maxTtl, boolean renewable, Policy policy) {
            this.value = value;
            this.issued = issued;
            this.ttl = ttl;
            this.maxTtl = maxTtl;
            this.renewable = renewable;
            this.policy = policy;
            this.expires = ttl.isZero() ? null : issued.plus(ttl);
        }
    }

    private static final class Version {
        final JsonNode data;
        final Instant created;

        @Nullable
        Instant deleted;

        boolean destroyed;

        Version(JsonNode data, Instant created) {
            this.data = data;
            this.created = created;
        }
    }

    private static final class Key {
        final TreeMap<Long, Version> versions = new TreeMap<>();
        final Instant created;
        long current;
        Instant updated;

        Key(Instant created) {
            this.created = created;
            this.updated = created;
        }
    }

    private record Role(String jwt, Duration ttl, Duration maxTtl, boolean renewable, Policy policy) {}

    private final Supplier<Instant> clock;

    // guarded by this
    private final Map<String, TreeMap<String, Key>> mounts = new HashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Role> roles = new HashMap<>();
    private boolean casRequired;
    private @Nullable String namespace;
    private int failRenewals;
    private int logins;
    private int renewals;
    private int issued;
    private final Set<String> values = new LinkedHashSet<>();

    private FakeVault(Supplier<Instant> clock) {
        super("fake-vault");
        this.clock = clock;
    }

    /** Starts a simulation on a free port, on the system clock. */
    public static FakeVault launch() {
        return launch(Instant::now);
    }

    /** Starts a simulation on a free port whose token leases run on {@code clock}. */
    static FakeVault launch(Supplier<Instant> clock) {
        return started(new FakeVault(clock));
    }

    /** Vault's address, as {@code base-url} takes it; the API is under {@code /v1}. */
    public String address() {
        return baseUrl();
    }

    /**
     * Forgets everything but the root token, the {@code secret} mount and the Kubernetes role {@value #ROLE} (1 h
     * leases up to 24 h, renewable).
     */
    @Override
    protected void resetState() {
        mounts.clear();
        mounts.put(MOUNT, new TreeMap<>());
        tokens.clear();
        tokens.put(
                ROOT_TOKEN, new Token(ROOT_TOKEN, clock.get(), Duration.ZERO, Duration.ZERO, false, Policy.READ_WRITE));
        roles.clear();
        roles.put(
                KUBERNETES_MOUNT + "/" + ROLE,
                new Role(JWT, Duration.ofHours(1), Duration.ofHours(24), true, Policy.READ_WRITE));
        casRequired = false;
        namespace = null;
        failRenewals = 0;
        logins = 0;
        renewals = 0;
    }

    // ---- set-up by tests ----

    /** Enables another KV v2 mount, e.g. {@code team/kv}. */
    synchronized void mount(String path) {
        mounts.putIfAbsent(path, new TreeMap<>());
    }

    /** A token issued now with {@code ttl} (zero: no expiry), renewable up to {@code maxTtl}. */
    synchronized void token(String value, Duration ttl, Duration maxTtl, boolean renewable, Policy policy) {
        tokens.put(value, new Token(value, clock.get(), ttl, maxTtl, renewable, policy));
    }

    /** Revokes {@code token}: Vault answers it with {@code invalid token} from now on. */
    synchronized void revoke(String token) {
        Token t = tokens.get(token);
        if (t != null) {
            t.revoked = true;
        }
    }

    /** Configures Kubernetes role {@code role} of the auth method at {@code mount}, accepting {@code jwt}. */
    synchronized void kubernetesRole(
            String mount, String role, String jwt, Duration ttl, Duration maxTtl, boolean renewable) {
        kubernetesRole(mount, role, jwt, ttl, maxTtl, renewable, Policy.READ_WRITE);
    }

    /** As above, with the policy its tokens get. */
    synchronized void kubernetesRole(
            String mount, String role, String jwt, Duration ttl, Duration maxTtl, boolean renewable, Policy policy) {
        roles.put(mount + "/" + role, new Role(jwt, ttl, maxTtl, renewable, policy));
    }

    /** {@code cas_required} on the {@code secret} mount's config. */
    synchronized void casRequired(boolean required) {
        casRequired = required;
    }

    /** Requires {@code X-Vault-Namespace: namespace} on every request. */
    synchronized void namespace(@Nullable String namespace) {
        this.namespace = namespace == null ? null : trimSlashes(namespace);
    }

    /** The next {@code requests} requests are answered 503 {@code Vault is sealed}; 0 unseals. */
    synchronized void seal(int requests) {
        clearFailures();
        for (int i = 0; i < requests; i++) {
            failNext(new InjectedFailure(503, null, null, null, "Vault is sealed", false));
        }
    }

    /** The next {@code count} renewals fail with 500. */
    synchronized void failRenewals(int count) {
        failRenewals = count;
    }

    /** Writes a version directly, as another client of Vault would; returns its number. */
    synchronized long write(String mount, String path, Map<String, ?> data) {
        JsonNode tree = JSON.valueToTree(data);
        remember(tree);
        return store(mounts.get(mount), path, tree);
    }

    /**
     * Every field value this simulation was given, by {@link #write} or in the body of a write it answered (refused
     * ones included), since it was launched: what a test looks for in logs and messages.
     */
    public synchronized Set<String> values() {
        return Set.copyOf(values);
    }

    private synchronized void remember(JsonNode data) {
        data.properties().forEach(field -> {
            if (field.getValue().isTextual() && !field.getValue().asText().isBlank()) {
                values.add(field.getValue().asText());
            }
        });
    }

    /** Soft-deletes {@code version} of {@code path} in the {@code secret} mount, now. */
    synchronized void softDelete(String path, long version) {
        mounts.get(MOUNT).get(path).versions.get(version).deleted = clock.get();
    }

    /** Destroys {@code version} of {@code path} in the {@code secret} mount. */
    synchronized void destroy(String path, long version) {
        mounts.get(MOUNT).get(path).versions.get(version).destroyed = true;
    }

    /** Deletes the metadata and every version of {@code path}, as {@code DELETE metadata/:path} does. */
    synchronized void deleteMetadata(String path) {
        mounts.get(MOUNT).remove(path);
    }

    synchronized int logins() {
        return logins;
    }

    synchronized int renewals() {
        return renewals;
    }

    /** The client token of the latest Kubernetes login, or null before any. */
    synchronized @Nullable String lastIssuedToken() {
        return tokens.keySet().stream()
                .filter(t -> t.startsWith("hvs.k8s"))
                .max((a, b) -> Integer.compare(serial(a), serial(b)))
                .orElse(null);
    }

    private static int serial(String token) {
        return Integer.parseInt(token.substring("hvs.k8s".length(), token.indexOf('-')));
    }

    // ---- dispatch ----

    /** Vault's {@code {"errors": [...]}} body for an injected failure (e.g. {@link #seal}). */
    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return errors(failure.status(), failure.message() == null ? "internal error" : failure.message());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        if (namespace != null && !namespace.equals(trimSlashes(header(request, "X-Vault-Namespace")))) {
            return errors(403, PERMISSION_DENIED);
        }
        String method = request.getMethod().getName();
        URI uri = URI.create(request.getUrl());
        String raw = uri.getRawPath();
        if (!raw.startsWith("/v1/")) {
            return errors(404, "no handler for route \"" + raw + "\". route entry not found.");
        }
        String path = decode(raw.substring("/v1/".length()));
        Map<String, String> query = query(uri.getRawQuery());
        if (path.equals("auth/token/lookup-self") && method.equals("GET")) {
            Token token = token(request);
            return token == null ? errors(403, INVALID_TOKEN) : lookupSelf(token);
        }
        if (path.equals("auth/token/renew-self") && (method.equals("POST") || method.equals("PUT"))) {
            Token token = token(request);
            return token == null ? errors(403, INVALID_TOKEN) : renewSelf(token);
        }
        if (path.startsWith("auth/") && path.endsWith("/login") && method.equals("POST")) {
            return login(path.substring("auth/".length(), path.length() - "/login".length()), jsonBodyOrEmpty(request));
        }
        String mount = mountOf(path);
        if (mount == null) {
            return errors(404, "no handler for route \"" + path + "\". route entry not found.");
        }
        Token token = token(request);
        if (token == null) {
            return errors(403, INVALID_TOKEN);
        }
        String rest = path.substring(mount.length() + 1);
        int slash = rest.indexOf('/');
        String operation = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        TreeMap<String, Key> kv = mounts.get(mount);
        boolean list = method.equals("LIST") || (method.equals("GET") && "true".equals(query.get("list")));
        if (operation.equals("data") && method.equals("GET")) {
            return read(kv, key, query.get("version"));
        }
        if (operation.equals("data") && (method.equals("POST") || method.equals("PUT"))) {
            return token.policy == Policy.READ_ONLY
                    ? errors(403, PERMISSION_DENIED)
                    : write(kv, mount, key, jsonBodyOrEmpty(request));
        }
        if (operation.equals("metadata") && list) {
            return list(kv, trimSlashes(key));
        }
        if (operation.equals("metadata") && method.equals("GET")) {
            return metadata(kv, key);
        }
        return errors(405, "1 error occurred:\n\t* unsupported operation\n\n");
    }

    // ---- KV v2 ----

    private ResponseDefinition read(TreeMap<String, Key> kv, String path, @Nullable String versionParam) {
        Key key = kv.get(path);
        if (key == null) {
            return errors(404);
        }
        long number = versionParam == null ? 0 : Long.parseLong(versionParam);
        long v = number > 0 ? number : key.current;
        Version version = key.versions.get(v);
        if (version == null) {
            return errors(404);
        }
        ObjectNode data = JSON.createObjectNode();
        ObjectNode metadata = versionMetadata(version).put("version", v);
        metadata.putNull("custom_metadata");
        boolean gone = version.destroyed || (version.deleted != null && !version.deleted.isAfter(clock.get()));
        if (gone) {
            // path_data.go: "If the version has been deleted return metadata with a 404".
            data.putNull("data");
            data.set("metadata", metadata);
            return envelope(404, data);
        }
        data.set("data", version.data);
        data.set("metadata", metadata);
        return envelope(200, data);
    }

    private ResponseDefinition write(TreeMap<String, Key> kv, String mount, String path, JsonNode body) {
        remember(body.path("data"));
        if (path.isEmpty()) {
            return errors(400, "missing path");
        }
        if (!body.path("data").isObject()) {
            return errors(400, "no data provided");
        }
        Key key = kv.get(path);
        long current = key == null ? 0 : key.current;
        JsonNode cas = body.path("options").path("cas");
        if (!cas.isMissingNode()) {
            if (!cas.canConvertToLong() || cas.asLong() != current) {
                return errors(400, "check-and-set parameter did not match the current version");
            }
        } else if (casRequired && mount.equals(MOUNT)) {
            return errors(400, "check-and-set parameter required for this call");
        }
        long v = store(kv, path, body.path("data"));
        Version version = kv.get(path).versions.get(v);
        ObjectNode data = versionMetadata(version).put("version", v);
        data.putNull("custom_metadata");
        return envelope(200, data);
    }

    private long store(TreeMap<String, Key> kv, String path, JsonNode data) {
        Instant now = clock.get();
        Key key = kv.computeIfAbsent(path, p -> new Key(now));
        key.current++;
        key.updated = now;
        key.versions.put(key.current, new Version(data.deepCopy(), now));
        while (key.versions.size() > MAX_VERSIONS) {
            key.versions.pollFirstEntry();
        }
        return key.current;
    }

    private ResponseDefinition metadata(TreeMap<String, Key> kv, String path) {
        Key key = kv.get(path);
        if (key == null) {
            return errors(404);
        }
        ObjectNode data = JSON.createObjectNode()
                .put("cas_required", casRequired)
                .put("created_time", key.created.toString())
                .put("current_version", key.current)
                .put("delete_version_after", "0s")
                .put("max_versions", 0)
                .put("oldest_version", key.versions.firstKey())
                .put("updated_time", key.updated.toString());
        data.putNull("custom_metadata");
        ObjectNode versions = data.putObject("versions");
        key.versions.forEach((n, v) -> versions.set(String.valueOf(n), versionMetadata(v)));
        return envelope(200, data);
    }

    private ResponseDefinition list(TreeMap<String, Key> kv, String folder) {
        String prefix = folder.isEmpty() ? "" : folder + "/";
        TreeSet<String> keys = new TreeSet<>();
        for (String path : kv.keySet()) {
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                int slash = rest.indexOf('/');
                keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
            }
        }
        if (keys.isEmpty()) {
            return errors(404);
        }
        ObjectNode data = JSON.createObjectNode();
        ArrayNode array = data.putArray("keys");
        keys.forEach(array::add);
        return envelope(200, data);
    }

    private ObjectNode versionMetadata(Version v) {
        return JSON.createObjectNode()
                .put("created_time", v.created.toString())
                .put("deletion_time", v.deleted == null ? "" : v.deleted.toString())
                .put("destroyed", v.destroyed);
    }

    // ---- tokens and logins ----

    /** The request's token, if Vault would accept it: known, not revoked, not expired. */
    private @Nullable Token token(Request request) {
        String value = header(request, "X-Vault-Token");
        if (value.isEmpty() && header(request, "Authorization").startsWith("Bearer ")) {
            value = header(request, "Authorization").substring("Bearer ".length());
        }
        Token token = tokens.get(value);
        if (token == null
                || token.revoked
                || (token.expires != null && !clock.get().isBefore(token.expires))) {
            return null;
        }
        return token;
    }

    private ResponseDefinition lookupSelf(Token token) {
        Instant now = clock.get();
        long ttl =
                token.expires == null ? 0 : Duration.between(now, token.expires).toSeconds();
        ObjectNode data = JSON.createObjectNode()
                .put("accessor", "acc-" + Integer.toHexString(token.value.hashCode()))
                .put("creation_time", token.issued.getEpochSecond())
                .put("creation_ttl", token.ttl.toSeconds())
                .put("display_name", token.value.startsWith("hvs.k8s") ? "kubernetes-default-app" : "token")
                .put("explicit_max_ttl", 0)
                .put("id", token.value)
                .put("issue_time", token.issued.toString())
                .put("num_uses", 0)
                .put("orphan", true)
                .put("path", token.value.startsWith("hvs.k8s") ? "auth/kubernetes/login" : "auth/token/create")
                .put("renewable", token.renewable)
                .put("ttl", ttl)
                .put("type", "service");
        if (token.expires == null) {
            data.putNull("expire_time");
        } else {
            data.put("expire_time", token.expires.toString());
        }
        data.putArray("policies").add("default").add(token.policy == Policy.READ_ONLY ? "kv-read" : "kv-write");
        return envelope(200, data);
    }

    private ResponseDefinition renewSelf(Token token) {
        if (failRenewals > 0) {
            failRenewals--;
            return errors(500, "1 error occurred:\n\t* internal error\n\n");
        }
        if (!token.renewable || token.expires == null) {
            return errors(400, "lease is not renewable");
        }
        renewals++;
        Instant now = clock.get();
        Duration left = Duration.between(now, token.issued.plus(token.maxTtl));
        Duration ttl = token.ttl.compareTo(left) <= 0 ? token.ttl : left;
        token.expires = now.plus(ttl);
        ObjectNode response = envelopeBody(null);
        if (ttl.compareTo(token.ttl) < 0) {
            response.putArray("warnings")
                    .add("TTL of \"" + token.ttl.toSeconds() + "s\" exceeded the effective max_ttl of \""
                            + ttl.toSeconds() + "s\"; TTL value is capped accordingly");
        }
        response.set("auth", auth(token, ttl));
        return json(200, response);
    }

    private ResponseDefinition login(String mount, JsonNode body) {
        String roleName = body.path("role").asText("");
        if (roleName.isEmpty()) {
            return errors(400, "missing role");
        }
        Role role = roles.get(mount + "/" + roleName);
        if (role == null) {
            return errors(400, "invalid role name \"" + roleName + "\"");
        }
        if (!role.jwt().equals(body.path("jwt").asText(""))) {
            return errors(403, "permission denied");
        }
        logins++;
        String value =
                "hvs.k8s" + (++issued) + "-" + UUID.randomUUID().toString().replace("-", "");
        Token token = new Token(value, clock.get(), role.ttl(), role.maxTtl(), role.renewable(), role.policy());
        tokens.put(value, token);
        ObjectNode response = envelopeBody(null);
        response.set("auth", auth(token, role.ttl()));
        return json(200, response);
    }

    private static ObjectNode auth(Token token, Duration lease) {
        ObjectNode auth = JSON.createObjectNode()
                .put("client_token", token.value)
                .put("accessor", "acc-" + Integer.toHexString(token.value.hashCode()))
                .put("lease_duration", lease.toSeconds())
                .put("renewable", token.renewable)
                .put("entity_id", "")
                .put("token_type", "service")
                .put("orphan", true);
        auth.putArray("policies").add("default").add("kv-write");
        auth.putArray("token_policies").add("default").add("kv-write");
        auth.putObject("metadata").put("role", ROLE).put("service_account_name", "app");
        return auth;
    }

    // ---- helpers ----

    private @Nullable String mountOf(String path) {
        String best = null;
        for (String m : mounts.keySet()) {
            if (path.startsWith(m + "/") && (best == null || m.length() > best.length())) {
                best = m;
            }
        }
        return best;
    }

    /** Vault's response envelope: request id, lease fields, then data, warnings and auth. */
    private static ObjectNode envelopeBody(@Nullable JsonNode data) {
        ObjectNode body = JSON.createObjectNode()
                .put("request_id", UUID.randomUUID().toString())
                .put("lease_id", "")
                .put("renewable", false)
                .put("lease_duration", 0);
        body.set("data", data);
        body.putNull("wrap_info");
        body.putNull("warnings");
        body.putNull("auth");
        return body;
    }

    private ResponseDefinition envelope(int status, JsonNode data) {
        return json(status, envelopeBody(data));
    }

    /** Vault's error body: {@code {"errors": [...]}}, for every status >= 400. */
    private ResponseDefinition errors(int status, String... messages) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode errors = body.putArray("errors");
        for (String m : messages) {
            errors.add(m);
        }
        return json(status, body);
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("Cache-Control", "no-store")
                .withBody(body.toString())
                .build();
    }

    private static String header(Request request, String name) {
        String value = request.getHeader(name);
        return value == null ? "" : value;
    }

    private static String decode(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return String.join("/", segments);
    }

    /** The query's parameters; a repeated one keeps its first value, as Go's {@code url.Values.Get} reads it. */
    private static Map<String, String> query(@Nullable String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String trimSlashes(String s) {
        String t = s.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
