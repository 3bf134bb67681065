package dev.scaleplane.adapters.linear.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.NewIssue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Linear issues as an {@link IssueTrackerAdapter}. See {@code LinearProvider} for the contract as Linear keeps it. */
public final class LinearIssues implements IssueTrackerAdapter {
    /** The system name. */
    public static final String SYSTEM = "linear";

    /** Workflow state types that count as closed; every other type (triage, backlog, unstarted, started) is open. */
    static final List<String> CLOSED_TYPES = List.of("completed", "canceled", "duplicate");

    /** Prefix of the label that carries an upsert's external key. */
    static final String KEY_LABEL_PREFIX = "scaleplane-key:";

    /** Longer key labels are hashed, so they stay readable in Linear's label menus. */
    private static final int MAX_LABEL = 50;

    private final String instance;
    private final AdapterHttpClient http;
    private final LinearSettings settings;
    private final GraphQl gql;
    private final Lookups lookups;
    /** One lock per team and external key: two upserts of one key in this process must not both open an issue. */
    private final Map<String, Object> upsertLocks = new ConcurrentHashMap<>();

    /**
     * The adapter of instance {@code instance}, sending through {@code http} (which must read Linear's errors with
     * {@link LinearErrors}, as {@link LinearSettings#clientBuilder} sets up), its lookups cached on {@code clock}.
     */
    public LinearIssues(String instance, AdapterHttpClient http, LinearSettings settings, Clock clock) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        gql = new GraphQl(http);
        lookups = new Lookups(gql, instance, settings, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    @Override
    public Issue create(NewIssue issue) {
        Objects.requireNonNull(issue, "issue");
        return create(issue, List.of());
    }

    private Issue create(NewIssue issue, List<String> keyLabels) {
        Lookups.Team team = lookups.team(Ids.teamKey(issue.project()));
        List<String> names = new ArrayList<>(issue.labels());
        names.addAll(keyLabels);
        ObjectNode variables = GraphQl.JSON.createObjectNode();
        ObjectNode input = variables.putObject("input").put("teamId", team.id()).put("title", issue.title());
        if (!issue.body().isEmpty()) {
            input.put("description", issue.body());
        }
        if (!names.isEmpty()) {
            List<String> ids = lookups.labelIds(team, names, settings.createMissingLabels(), Set.copyOf(keyLabels));
            ids.forEach(input.putArray("labelIds")::add);
        }
        if (issue.assignee() != null) {
            input.put("assigneeId", issue.assignee());
        }
        JsonNode created =
                gql.mutate(Documents.CREATE_ISSUE, variables, "issueCreate").path("issue");
        return remembered(created);
    }

    @Override
    public Issue update(String id, @Nullable String title, @Nullable String markdownBody) {
        Ids.issue(id);
        if (title == null && markdownBody == null) {
            return find(id).orElseThrow(() -> gql.notFound("Linear has no issue " + id));
        }
        Lookups.IssueRef ref = lookups.issue(id);
        ObjectNode variables = GraphQl.JSON.createObjectNode().put("id", ref.id());
        ObjectNode input = variables.putObject("input");
        if (title != null) {
            input.put("title", title);
        }
        if (markdownBody != null) {
            input.put("description", markdownBody);
        }
        return remembered(
                gql.mutate(Documents.UPDATE_ISSUE, variables, "issueUpdate").path("issue"));
    }

    /** {@code commentCreate} takes the identifier as it is: no lookup first. */
    @Override
    public String comment(String id, String markdown) {
        Ids.issue(id);
        ObjectNode variables = GraphQl.JSON.createObjectNode();
        variables.putObject("input").put("issueId", id).put("body", Objects.requireNonNull(markdown, "markdown"));
        return gql.mutate(Documents.CREATE_COMMENT, variables, "commentCreate")
                .path("comment")
                .path("id")
                .asText();
    }

    /** Moves the issue to its team's first workflow state of type {@code completed}. */
    @Override
    public Issue close(String id) {
        return moveTo(
                id,
                team -> team.firstOfType("completed"),
                team -> "Linear team " + team.key() + " has no workflow state of type completed; its states are "
                        + team.stateNames());
    }

    /**
     * Moves the issue to the workflow state of its team called {@code transition} (exactly, else ignoring case); an
     * unknown name fails with {@link dev.scaleplane.api.adapters.AdapterRequestRefusedException} listing the team's
     * states, after one fresh look at them (a state added since they were cached is found).
     */
    @Override
    public Issue transition(String id, String transition) {
        Objects.requireNonNull(transition, "transition");
        return moveTo(
                id,
                team -> team.state(transition),
                team -> "Linear team " + team.key() + " has no workflow state '" + transition + "'; its states are "
                        + team.stateNames());
    }

    private Issue moveTo(
            String id,
            Function<Lookups.Team, Optional<Lookups.State>> pick,
            Function<Lookups.Team, String> noSuchState) {
        Ids.issue(id);
        Lookups.IssueRef ref = lookups.issue(id);
        Lookups.Team team = lookups.team(ref.teamKey());
        Optional<Lookups.State> state = pick.apply(team);
        if (state.isEmpty()) {
            team = lookups.reloadTeam(ref.teamKey());
            state = pick.apply(team);
        }
        if (state.isEmpty()) {
            throw gql.refused(0, noSuchState.apply(team));
        }
        ObjectNode variables = GraphQl.JSON.createObjectNode().put("id", ref.id());
        variables.putObject("input").put("stateId", state.get().id());
        return remembered(
                gql.mutate(Documents.UPDATE_ISSUE, variables, "issueUpdate").path("issue"));
    }

    /** {@code issue(id: "ENG-123")}; empty when Linear answers {@code Entity not found}. */
    @Override
    public Optional<Issue> find(String id) {
        Ids.issue(id);
        try {
            JsonNode node = gql.query(
                            Documents.ISSUE, GraphQl.JSON.createObjectNode().put("id", id))
                    .path("issue");
            return node.isObject() ? Optional.of(remembered(node)) : Optional.empty();
        } catch (AdapterNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code issues(filter:, first:, after:)} of the team, paged by Relay cursors as the stream is used. The filter:
     * the team's key; open = state type not in {@code completed, canceled, duplicate}, closed = in them; every label
     * by name (ignoring case); every word of the text in the title or the description (ignoring case). Filters are
     * exact and immediate, unlike the ranked {@code searchIssues}.
     */
    @Override
    public Stream<Issue> search(IssueQuery query) {
        String key = Ids.teamKey(query.project());
        ObjectNode filter = teamFilter(key, query.state());
        List<ObjectNode> conditions = new ArrayList<>();
        for (String label : query.labels()) {
            ObjectNode c = GraphQl.JSON.createObjectNode();
            c.putObject("labels").putObject("some").putObject("name").put("eqIgnoreCase", label);
            conditions.add(c);
        }
        String text = query.text().strip();
        if (!text.isEmpty()) {
            for (String word : text.split("\\s+")) {
                ObjectNode c = GraphQl.JSON.createObjectNode();
                ArrayNode either = c.putArray("or");
                either.addObject().putObject("title").put("containsIgnoreCase", word);
                either.addObject().putObject("description").put("containsIgnoreCase", word);
                conditions.add(c);
            }
        }
        if (!conditions.isEmpty()) {
            conditions.forEach(filter.putArray("and")::add);
        }
        ObjectNode variables = GraphQl.JSON.createObjectNode();
        variables.set("filter", filter);
        variables.put("first", settings.pageSize());
        return gql.paginate(Documents.ISSUES, variables, "issues").stream().map(this::remembered);
    }

    /**
     * The key is stored as a label of the team, {@code scaleplane-key:<key>} (or {@code scaleplane-key:<sha-256
     * prefix>} for keys longer than 50 characters), created on first use: Linear's issue filter matches labels exactly
     * and at once, and a label survives edits of the description (which an {@code update} replaces whole). The open
     * issue carrying it is found with {@code issues(filter: {team, labels: {some: {name: {eq}}}, state: {type: {nin:
     * [completed, canceled, duplicate]}}})}, the oldest if several. Upserts of one key are serialized within the
     * process.
     */
    @Override
    public Issue upsert(String externalKey, NewIssue issue, String comment) {
        Objects.requireNonNull(externalKey, "externalKey");
        Objects.requireNonNull(issue, "issue");
        Objects.requireNonNull(comment, "comment");
        String key = Ids.teamKey(issue.project());
        String label = keyLabel(externalKey);
        synchronized (upsertLocks.computeIfAbsent(key + "\n" + externalKey, k -> new Object())) {
            ObjectNode filter = teamFilter(key, IssueState.OPEN);
            filter.putObject("labels").putObject("some").putObject("name").put("eq", label);
            ObjectNode variables = GraphQl.JSON.createObjectNode();
            variables.set("filter", filter);
            variables.put("first", settings.pageSize());
            List<JsonNode> open = new ArrayList<>();
            gql.query(Documents.ISSUES, variables).path("issues").path("nodes").forEach(open::add);
            Optional<JsonNode> existing = open.stream()
                    .min(Comparator.comparing(n -> n.path("createdAt").asText()));
            if (existing.isPresent()) {
                Issue found = remembered(existing.get());
                comment(found.id(), comment);
                return found;
            }
            return create(issue, List.of(label));
        }
    }

    /** The label carrying {@code key}. */
    static String keyLabel(String key) {
        String label = KEY_LABEL_PREFIX + key;
        if (label.length() <= MAX_LABEL && !key.isBlank()) {
            return label;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return KEY_LABEL_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static ObjectNode teamFilter(String teamKey, @Nullable IssueState state) {
        ObjectNode filter = GraphQl.JSON.createObjectNode();
        filter.putObject("team").putObject("key").put("eq", teamKey);
        if (state != null) {
            ArrayNode types =
                    filter.putObject("state").putObject("type").putArray(state == IssueState.OPEN ? "nin" : "in");
            CLOSED_TYPES.forEach(types::add);
        }
        return filter;
    }

    private Issue remembered(JsonNode node) {
        Issue issue = toIssue(node);
        lookups.remember(issue.id(), node);
        return issue;
    }

    /**
     * An issue as {@code IssueFields} describes it: id = identifier, project = team key, status = the workflow state's
     * name, closed when its type is completed, canceled or duplicate, assignee = the user's id.
     */
    static Issue toIssue(JsonNode n) {
        String identifier = n.path("identifier").asText();
        JsonNode state = n.path("state");
        boolean closed = CLOSED_TYPES.contains(state.path("type").asText());
        List<String> labels = new ArrayList<>();
        n.path("labels").path("nodes").forEach(l -> labels.add(l.path("name").asText()));
        JsonNode assignee = n.path("assignee");
        return new Issue(
                identifier,
                n.path("team").path("key").asText(),
                n.path("title").asText(""),
                closed ? IssueState.CLOSED : IssueState.OPEN,
                state.path("name").asText(closed ? "closed" : "open"),
                labels,
                assignee.isObject() ? assignee.path("id").asText(null) : null,
                URI.create(n.path("url").asText("https://linear.app/issue/" + identifier)));
    }

    @Override
    public String toString() {
        return "LinearIssues[" + instance + " " + http.baseUri() + "]";
    }
}
