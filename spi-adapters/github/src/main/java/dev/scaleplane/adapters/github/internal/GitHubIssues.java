package dev.scaleplane.adapters.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** GitHub Issues as an {@link IssueTrackerAdapter}. See {@code GitHubIssuesProvider} for the contract as GitHub keeps it. */
public final class GitHubIssues implements IssueTrackerAdapter {
    /** The transitions GitHub issues have, by the names {@link #transition} takes. */
    static final List<String> TRANSITIONS = List.of("close", "close-not-planned", "reopen");

    /** Prefix of the label that carries an upsert's external key. */
    static final String KEY_LABEL_PREFIX = "scaleplane-key:";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** GitHub caps label names at 50 characters; a key that fits (and has no comma, the list separator) is kept. */
    private static final int MAX_LABEL = 50;

    private final String instance;
    private final AdapterHttpClient http;
    private final GitHubSettings settings;
    /** One lock per external key: two upserts of one key in this process must not both open an issue. */
    private final Map<String, Object> upsertLocks = new ConcurrentHashMap<>();

    public GitHubIssues(String instance, AdapterHttpClient http, GitHubSettings settings) {
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
        return "github";
    }

    @Override
    public Issue create(NewIssue issue) {
        Objects.requireNonNull(issue, "issue");
        return create(issue, List.of(), "");
    }

    private Issue create(NewIssue issue, List<String> extraLabels, String bodySuffix) {
        Ids.Repo repo = Ids.repo(issue.project());
        ObjectNode body = JSON.createObjectNode();
        body.put("title", issue.title());
        String text = issue.body() + bodySuffix;
        if (!text.isEmpty()) {
            body.put("body", text);
        }
        List<String> labels = new ArrayList<>(issue.labels());
        labels.addAll(extraLabels);
        if (!labels.isEmpty()) {
            labels.forEach(body.putArray("labels")::add);
        }
        if (issue.assignee() != null) {
            body.putArray("assignees").add(issue.assignee());
        }
        JsonNode created = http.sendForJson(
                AdapterRequest.postJson(body, "/repos/{owner}/{repo}/issues", repo.owner(), repo.name()));
        return toIssue(repo, created);
    }

    @Override
    public Issue update(String id, @Nullable String title, @Nullable String markdownBody) {
        Ids.IssueRef ref = Ids.issue(id);
        ObjectNode body = JSON.createObjectNode();
        if (title != null) {
            body.put("title", title);
        }
        if (markdownBody != null) {
            body.put("body", markdownBody);
        }
        if (body.isEmpty()) {
            return get(ref);
        }
        return patch(ref, body);
    }

    @Override
    public String comment(String id, String markdown) {
        Ids.IssueRef ref = Ids.issue(id);
        ObjectNode body = JSON.createObjectNode().put("body", Objects.requireNonNull(markdown, "markdown"));
        JsonNode comment = http.sendForJson(AdapterRequest.postJson(
                body,
                "/repos/{owner}/{repo}/issues/{issue_number}/comments",
                ref.repo().owner(),
                ref.repo().name(),
                ref.number()));
        return comment.path("id").asText();
    }

    @Override
    public Issue close(String id) {
        return transition(id, "close");
    }

    /**
     * {@code close} (state closed, reason completed), {@code close-not-planned} (reason not_planned) or {@code
     * reopen}; any other name fails with {@link AdapterRequestRefusedException} naming these three, without a request.
     */
    @Override
    public Issue transition(String id, String transition) {
        Ids.IssueRef ref = Ids.issue(id);
        ObjectNode body = JSON.createObjectNode();
        switch (Objects.requireNonNull(transition, "transition")) {
            case "close" -> body.put("state", "closed").put("state_reason", "completed");
            case "close-not-planned" -> body.put("state", "closed").put("state_reason", "not_planned");
            case "reopen" -> body.put("state", "open");
            default -> throw new AdapterRequestRefusedException(
                    new AdapterCallFacts(
                            "github",
                            instance,
                            "PATCH",
                            "/repos/" + ref.repo() + "/issues/" + ref.number(),
                            0,
                            null,
                            "GitHub issues have no transition '" + transition + "'; the transitions are "
                                    + String.join(", ", TRANSITIONS)),
                    null);
        }
        return patch(ref, body);
    }

    @Override
    public Optional<Issue> find(String id) {
        Ids.IssueRef ref = Ids.issue(id);
        try {
            return Optional.of(get(ref));
        } catch (AdapterNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Without text: the repository's issue list ({@code GET /repos/{owner}/{repo}/issues} with {@code state} and
     * {@code labels}), which is strongly consistent and counts against the core rate limit; pull requests, which it
     * lists too, are left out. With text: the search API ({@code GET /search/issues}), which has its own, much smaller
     * rate limit (30 requests a minute) and an index that lags writes by seconds. Both newest first, paged by {@code
     * Link} headers.
     */
    @Override
    public Stream<Issue> search(IssueQuery query) {
        Ids.Repo repo = Ids.repo(query.project());
        AdapterRequest first;
        String itemsAt;
        if (query.text().isBlank()) {
            AdapterRequest.Builder b = AdapterRequest.builder(
                            "GET", "/repos/{owner}/{repo}/issues", repo.owner(), repo.name())
                    .query("state", stateParameter(query.state()));
            if (!query.labels().isEmpty()) {
                b.query("labels", String.join(",", query.labels()));
            }
            first = b.query("sort", "created")
                    .query("direction", "desc")
                    .query("per_page", settings.pageSize())
                    .build();
            itemsAt = "";
        } else {
            StringBuilder q = new StringBuilder("repo:").append(repo).append(" is:issue");
            if (query.state() != null) {
                q.append(" state:").append(query.state() == IssueState.OPEN ? "open" : "closed");
            }
            for (String label : query.labels()) {
                q.append(" label:\"").append(label.replace("\"", "")).append('"');
            }
            q.append(' ').append(query.text().strip());
            first = AdapterRequest.builder("GET", "/search/issues")
                    .query("q", q.toString())
                    .query("sort", "created")
                    .query("order", "desc")
                    .query("per_page", settings.pageSize())
                    .build();
            itemsAt = "/items";
        }
        // Pages keep their pull requests so that a page of only pull requests does not end the listing early.
        return http
                .paginate(first, PageStyle.linkHeader(), response -> {
                    List<JsonNode> out = new ArrayList<>();
                    response.json().at(itemsAt).forEach(out::add);
                    return out;
                })
                .stream()
                .filter(n -> !n.has("pull_request"))
                .map(n -> toIssue(repo, n));
    }

    /**
     * The key is stored as a label, {@code scaleplane-key:<key>} (or {@code scaleplane-key:<sha-256 prefix>} for keys
     * too long or with commas), because the repository's issue list filters on labels exactly and at once, while
     * a marker in the body can only be found through the search API, whose index lags new issues by seconds (a
     * failure repeating within that lag would open a second issue) and whose rate limit is 30 a minute. The body also
     * carries a hidden {@code <!-- scaleplane-key: ... -->} marker, so that people can see where an issue came from.
     */
    @Override
    public Issue upsert(String externalKey, NewIssue issue, String comment) {
        Objects.requireNonNull(externalKey, "externalKey");
        Objects.requireNonNull(issue, "issue");
        Objects.requireNonNull(comment, "comment");
        Ids.Repo repo = Ids.repo(issue.project());
        String label = keyLabel(externalKey);
        synchronized (upsertLocks.computeIfAbsent(issue.project() + "\n" + externalKey, k -> new Object())) {
            AdapterRequest openWithKey = AdapterRequest.builder(
                            "GET", "/repos/{owner}/{repo}/issues", repo.owner(), repo.name())
                    .query("state", "open")
                    .query("labels", label)
                    .query("sort", "created")
                    .query("direction", "asc")
                    .query("per_page", settings.pageSize())
                    .build();
            Optional<Issue> existing = http
                    .paginate(openWithKey, PageStyle.linkHeader(), response -> {
                        List<JsonNode> out = new ArrayList<>();
                        response.json().forEach(out::add);
                        return out;
                    })
                    .stream()
                    .filter(n -> !n.has("pull_request"))
                    .findFirst()
                    .map(n -> toIssue(repo, n));
            if (existing.isPresent()) {
                comment(existing.get().id(), comment);
                return existing.get();
            }
            String marker = "\n\n<!-- scaleplane-key: " + externalKey.replace("--", "-") + " -->";
            return create(issue, List.of(label), marker);
        }
    }

    /** The label carrying {@code key}. */
    static String keyLabel(String key) {
        String label = KEY_LABEL_PREFIX + key;
        if (label.length() <= MAX_LABEL && !key.contains(",") && !key.isBlank()) {
            return label;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return KEY_LABEL_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private Issue get(Ids.IssueRef ref) {
        return toIssue(
                ref.repo(),
                http.sendForJson(AdapterRequest.get(
                        "/repos/{owner}/{repo}/issues/{issue_number}",
                        ref.repo().owner(),
                        ref.repo().name(),
                        ref.number())));
    }

    private Issue patch(Ids.IssueRef ref, ObjectNode body) {
        AdapterRequest request = AdapterRequest.builder(
                        "PATCH",
                        "/repos/{owner}/{repo}/issues/{issue_number}",
                        ref.repo().owner(),
                        ref.repo().name(),
                        ref.number())
                .json(body)
                .build();
        return toIssue(ref.repo(), http.sendForJson(request));
    }

    private static String stateParameter(@Nullable IssueState state) {
        return state == null ? "all" : state == IssueState.OPEN ? "open" : "closed";
    }

    /**
     * An issue as the REST API's issue object describes it. {@link Issue#status()} is {@code open}, or for a closed
     * issue its {@code state_reason} ({@code completed}, {@code not_planned}, {@code duplicate}) or {@code closed}.
     */
    static Issue toIssue(Ids.Repo repo, JsonNode n) {
        boolean closed = "closed".equals(n.path("state").asText());
        List<String> labels = new ArrayList<>();
        for (JsonNode label : n.path("labels")) {
            labels.add(label.isTextual() ? label.asText() : label.path("name").asText());
        }
        JsonNode assignee = n.path("assignee");
        String number = n.path("number").asText();
        return new Issue(
                repo + "#" + number,
                repo.toString(),
                n.path("title").asText(""),
                closed ? IssueState.CLOSED : IssueState.OPEN,
                closed ? n.path("state_reason").asText("closed") : "open",
                labels,
                assignee.isObject() ? assignee.path("login").asText(null) : null,
                URI.create(n.path("html_url").asText("https://github.com/" + repo + "/issues/" + number)));
    }

    @Override
    public String toString() {
        return "GitHubIssues[" + instance + " " + http.baseUri() + "]";
    }
}
