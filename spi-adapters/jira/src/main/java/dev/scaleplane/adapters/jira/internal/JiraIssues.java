package dev.scaleplane.adapters.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.PageStyle;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Jira Cloud issues as an {@link IssueTrackerAdapter}. See {@code JiraProvider} for the calls and endpoints. */
public final class JiraIssues implements IssueTrackerAdapter {
    /** Prefix of the label that carries an upsert's external key (the same as GitHub's). */
    static final String KEY_LABEL_PREFIX = "scaleplane-key:";

    /** The fields every read asks for: Jira's enhanced search returns only {@code id} unless told. */
    static final List<String> FIELDS = List.of("summary", "status", "labels", "assignee", "project");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELDS_PARAMETER = String.join(",", FIELDS);
    /** Jira caps labels at 255 characters. */
    private static final int MAX_LABEL = 255;
    /** Characters kept in a key label as they are; a key with others is hashed. */
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9._:/#@+-]+");
    /** How many upsert keys remember the issue they opened, for {@code reconcileIssues}. */
    private static final int REMEMBERED_KEYS = 1024;

    private final String instance;
    private final AdapterHttpClient http;
    private final JiraSettings settings;
    /** One lock per project and key: two upserts of one key in this process must not both open an issue. */
    private final Map<String, Object> upsertLocks = new ConcurrentHashMap<>();
    /**
     * The id of the issue the last upsert of a key opened, handed to the search as {@code reconcileIssues}: Jira's
     * search index lags writes, and this makes the issue just opened visible to the next upsert of its key at once.
     */
    private final Map<String, Long> openedByKey = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_KEYS;
        }
    });

    /**
     * An adapter sending through {@code http}.
     *
     * @param instance the configured instance name
     * @param http the instance's client (credential, governor, retries)
     * @param settings the instance's settings
     */
    public JiraIssues(String instance, AdapterHttpClient http, JiraSettings settings) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "jira";
    }

    @Override
    public Issue create(NewIssue issue) {
        Objects.requireNonNull(issue, "issue");
        return get(createOnly(issue, List.of()).path("key").asText());
    }

    /** {@code POST /rest/api/3/issue}; Jira answers with {@code id}, {@code key} and {@code self} only. */
    private JsonNode createOnly(NewIssue issue, List<String> extraLabels) {
        String project = JiraKeys.project(issue.project());
        List<String> labels = new ArrayList<>(issue.labels());
        labels.forEach(JiraIssues::checkLabel);
        labels.addAll(extraLabels);
        ObjectNode fields = JSON.createObjectNode();
        fields.putObject("project").put("key", project);
        fields.put("summary", issue.title());
        if (!issue.body().isBlank()) {
            fields.set("description", MarkdownToAdf.convert(issue.body()));
        }
        fields.putObject("issuetype").put("name", settings.issueType());
        if (!labels.isEmpty()) {
            labels.forEach(fields.putArray("labels")::add);
        }
        if (issue.assignee() != null) {
            fields.putObject("assignee").put("accountId", issue.assignee());
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("fields", fields);
        return http.sendForJson(AdapterRequest.postJson(body, "/rest/api/3/issue"));
    }

    /**
     * {@code PUT /rest/api/3/issue/{key}} with the fields given ({@code description} as ADF; a blank body clears it),
     * then the issue as it is now.
     */
    @Override
    public Issue update(String id, @Nullable String title, @Nullable String markdownBody) {
        JiraKeys.IssueKey ref = JiraKeys.issue(id);
        ObjectNode fields = JSON.createObjectNode();
        if (title != null) {
            fields.put("summary", title);
        }
        if (markdownBody != null) {
            if (markdownBody.isBlank()) {
                fields.putNull("description");
            } else {
                fields.set("description", MarkdownToAdf.convert(markdownBody));
            }
        }
        if (!fields.isEmpty()) {
            ObjectNode body = JSON.createObjectNode();
            body.set("fields", fields);
            http.send(AdapterRequest.builder("PUT", "/rest/api/3/issue/{issueIdOrKey}", ref.key())
                    .json(body)
                    .build());
        }
        return get(ref.key());
    }

    /** {@code POST /rest/api/3/issue/{key}/comment} with the Markdown as an ADF {@code body}; returns its id. */
    @Override
    public String comment(String id, String markdown) {
        JiraKeys.IssueKey ref = JiraKeys.issue(id);
        ObjectNode body = JSON.createObjectNode();
        body.set("body", MarkdownToAdf.convert(Objects.requireNonNull(markdown, "markdown")));
        return http.sendForJson(AdapterRequest.postJson(body, "/rest/api/3/issue/{issueIdOrKey}/comment", ref.key()))
                .path("id")
                .asText();
    }

    /**
     * Reads the issue with its transitions ({@code expand=transitions}); an issue already in the done category is
     * returned as it is, else it takes the first available transition whose target status is in the done category.
     *
     * @throws AdapterRequestRefusedException naming the transitions there are when none leads to done
     */
    @Override
    public Issue close(String id) {
        JiraKeys.IssueKey ref = JiraKeys.issue(id);
        JsonNode current = http.sendForJson(AdapterRequest.builder("GET", "/rest/api/3/issue/{issueIdOrKey}", ref.key())
                .query("fields", FIELDS_PARAMETER)
                .query("expand", "transitions")
                .build());
        Issue issue = toIssue(current);
        if (issue.state() == IssueState.CLOSED) {
            return issue;
        }
        List<JsonNode> transitions = available(current.path("transitions"));
        return transitions.stream()
                .filter(t -> "done"
                        .equals(t.path("to").path("statusCategory").path("key").asText()))
                .findFirst()
                .map(t -> perform(ref, t))
                .orElseThrow(() -> refused(
                        ref,
                        "Jira issue " + ref + " has no transition into a done status from " + issue.status()
                                + "; its transitions are " + names(transitions)));
    }

    /**
     * {@code GET /rest/api/3/issue/{key}/transitions}, then {@code POST} the one named {@code transition} (exactly,
     * else ignoring case).
     *
     * @throws AdapterRequestRefusedException naming the transitions there are when none is called so; nothing is
     *     changed
     */
    @Override
    public Issue transition(String id, String transition) {
        JiraKeys.IssueKey ref = JiraKeys.issue(id);
        Objects.requireNonNull(transition, "transition");
        List<JsonNode> transitions = available(
                http.sendForJson(AdapterRequest.get("/rest/api/3/issue/{issueIdOrKey}/transitions", ref.key()))
                        .path("transitions"));
        Optional<JsonNode> named = transitions.stream()
                .filter(t -> t.path("name").asText().equals(transition))
                .findFirst()
                .or(() -> transitions.stream()
                        .filter(t -> t.path("name").asText().equalsIgnoreCase(transition.strip()))
                        .findFirst());
        return named.map(t -> perform(ref, t))
                .orElseThrow(() -> refused(
                        ref,
                        "Jira issue " + ref + " has no transition '" + transition + "' from its current status; its"
                                + " transitions are " + names(transitions)));
    }

    private Issue perform(JiraKeys.IssueKey ref, JsonNode transition) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("transition").put("id", transition.path("id").asText());
        http.send(AdapterRequest.postJson(body, "/rest/api/3/issue/{issueIdOrKey}/transitions", ref.key()));
        return get(ref.key());
    }

    private static List<JsonNode> available(JsonNode transitions) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : transitions) {
            if (t.path("isAvailable").asBoolean(true)) {
                out.add(t);
            }
        }
        return out;
    }

    private static String names(List<JsonNode> transitions) {
        return transitions.isEmpty()
                ? "none"
                : transitions.stream().map(t -> t.path("name").asText()).collect(Collectors.joining(", "));
    }

    private AdapterRequestRefusedException refused(JiraKeys.IssueKey ref, String message) {
        return new AdapterRequestRefusedException(
                new AdapterCallFacts(
                        "jira", instance, "POST", "/rest/api/3/issue/" + ref.key() + "/transitions", 0, null, message),
                null);
    }

    /** {@code GET /rest/api/3/issue/{key}}; empty on 404 (which Jira also answers when the user may not see it). */
    @Override
    public Optional<Issue> find(String id) {
        JiraKeys.IssueKey ref = JiraKeys.issue(id);
        try {
            return Optional.of(get(ref.key()));
        } catch (AdapterNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code GET /rest/api/3/search/jql} (the enhanced search) with the JQL of {@link Jql#search}, newest first,
     * {@code maxResults} {@code page-size}, following {@code nextPageToken} lazily. Jira's search index lags writes by
     * seconds: an issue changed a moment ago may show its old state here.
     */
    @Override
    public Stream<Issue> search(IssueQuery query) {
        Objects.requireNonNull(query, "query");
        JiraKeys.project(query.project());
        AdapterRequest first = AdapterRequest.builder("GET", "/rest/api/3/search/jql")
                .query("jql", Jql.search(query))
                .query("fields", FIELDS_PARAMETER)
                .query("maxResults", settings.pageSize())
                .build();
        return http
                .paginate(first, PageStyle.bodyToken("nextPageToken", "nextPageToken"), response -> {
                    List<JsonNode> out = new ArrayList<>();
                    response.json().path("issues").forEach(out::add);
                    return out;
                })
                .stream()
                .map(this::toIssue);
    }

    /**
     * The key is stored as a label, {@code scaleplane-key:<key>} (or {@code scaleplane-key:<sha-256 prefix>} for a key
     * too long or with characters a label should not hold), and looked up with {@code POST /rest/api/3/search/jql}
     * for open issues (status category not done) with that label, oldest first. A label rather than an issue entity
     * property, because JQL finds an entity property only when an app has declared it indexed, which a plain API
     * token integration cannot. The search names the issue the last upsert of the key opened in {@code
     * reconcileIssues}, so the index lag cannot make a repeat open a second issue. Upserts of one key are serialized
     * within the process.
     */
    @Override
    public Issue upsert(String externalKey, NewIssue issue, String comment) {
        Objects.requireNonNull(externalKey, "externalKey");
        Objects.requireNonNull(issue, "issue");
        Objects.requireNonNull(comment, "comment");
        String project = JiraKeys.project(issue.project());
        String label = keyLabel(externalKey);
        String lockKey = project.toUpperCase(Locale.ROOT) + "\n" + label;
        synchronized (upsertLocks.computeIfAbsent(lockKey, k -> new Object())) {
            ObjectNode body = JSON.createObjectNode().put("jql", Jql.openWithLabel(project, label));
            ArrayNode fields = body.putArray("fields");
            FIELDS.forEach(fields::add);
            body.put("maxResults", 1);
            Long opened = openedByKey.get(lockKey);
            if (opened != null) {
                body.putArray("reconcileIssues").add(opened);
            }
            // A search sent as POST is a read: safe to repeat after a 5xx, as a GET would be.
            AdapterRequest lookup = AdapterRequest.builder("POST", "/rest/api/3/search/jql")
                    .json(body)
                    .idempotent(true)
                    .build();
            JsonNode existing = http.sendForJson(lookup).path("issues").path(0);
            if (existing.isObject()) {
                Issue found = toIssue(existing);
                comment(found.id(), comment);
                return found;
            }
            JsonNode created = createOnly(issue, List.of(label));
            // Jira sends ids as strings ("10000"); reconcileIssues takes them as numbers.
            long id = created.path("id").asLong(-1);
            if (id > 0) {
                openedByKey.put(lockKey, id);
            }
            return get(created.path("key").asText());
        }
    }

    /** The label carrying {@code key}. */
    static String keyLabel(String key) {
        String label = KEY_LABEL_PREFIX + key;
        if (label.length() <= MAX_LABEL && PLAIN_KEY.matcher(key).matches()) {
            return label;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return KEY_LABEL_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /**
     * Jira refuses labels with spaces, and longer than 255 characters; saying so here names the label and the fix.
     *
     * @throws IllegalArgumentException for such a label
     */
    static void checkLabel(String label) {
        if (label.codePoints().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("Jira labels cannot contain whitespace, but label '" + label
                    + "' does; use e.g. '" + label.strip().replaceAll("\\s+", "-") + "'");
        }
        if (label.length() > MAX_LABEL) {
            throw new IllegalArgumentException("Jira labels have at most " + MAX_LABEL + " characters, but label '"
                    + label.substring(0, 40) + "...' has " + label.length());
        }
    }

    private Issue get(String key) {
        return toIssue(http.sendForJson(AdapterRequest.builder("GET", "/rest/api/3/issue/{issueIdOrKey}", key)
                .query("fields", FIELDS_PARAMETER)
                .build()));
    }

    /**
     * An issue as Jira's issue bean describes it. Closed when its status is in the done category; {@link
     * Issue#status()} is the status's name; the assignee is the account id.
     */
    Issue toIssue(JsonNode n) {
        String key = n.path("key").asText();
        JsonNode fields = n.path("fields");
        JsonNode status = fields.path("status");
        boolean closed = "done".equals(status.path("statusCategory").path("key").asText());
        List<String> labels = new ArrayList<>();
        fields.path("labels").forEach(l -> labels.add(l.asText()));
        JsonNode assignee = fields.path("assignee");
        int dash = key.lastIndexOf('-');
        String project = fields.path("project").path("key").asText(dash > 0 ? key.substring(0, dash) : "");
        return new Issue(
                key,
                project,
                fields.path("summary").asText(""),
                closed ? IssueState.CLOSED : IssueState.OPEN,
                status.path("name")
                        .asText(status.path("statusCategory").path("name").asText("")),
                labels,
                assignee.isObject() ? assignee.path("accountId").asText(null) : null,
                settings.browse(key));
    }

    @Override
    public String toString() {
        return "JiraIssues[" + instance + " " + http.baseUri() + "]";
    }
}
