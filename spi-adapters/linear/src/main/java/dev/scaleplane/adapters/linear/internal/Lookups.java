package dev.scaleplane.adapters.linear.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the adapter looks up before it can write: a team (by key) with its workflow states, label ids (by name), and an
 * issue's id and team (by identifier). Each is cached per adapter instance, bounded in size ({@value #MAX_TEAMS}
 * teams, {@value #MAX_LABELS} labels, {@value #MAX_ISSUES} issues, least recently used first out) and in age
 * ({@code cache-ttl}), so a renamed state or a deleted label is seen again within that time. Thread-safe.
 */
final class Lookups {
    static final int MAX_TEAMS = 64;
    static final int MAX_LABELS = 1024;
    static final int MAX_ISSUES = 4096;

    /** A workflow state of a team. */
    record State(String id, String name, String type, double position) {}

    /** A team and its workflow states. */
    record Team(String id, String key, List<State> states) {
        /** The first state of {@code type} in workflow order. */
        Optional<State> firstOfType(String type) {
            return states.stream().filter(s -> s.type().equals(type)).min(Comparator.comparingDouble(State::position));
        }

        /** The state called {@code name}, exactly, else ignoring case when only one matches so. */
        Optional<State> state(String name) {
            Optional<State> exact =
                    states.stream().filter(s -> s.name().equals(name)).findFirst();
            if (exact.isPresent()) {
                return exact;
            }
            List<State> folded =
                    states.stream().filter(s -> s.name().equalsIgnoreCase(name)).toList();
            return folded.size() == 1 ? Optional.of(folded.get(0)) : Optional.empty();
        }

        /** The state names in workflow order, for messages. */
        String stateNames() {
            return states.stream()
                    .sorted(Comparator.comparingDouble(State::position))
                    .map(State::name)
                    .collect(Collectors.joining(", "));
        }
    }

    /** Linear's id of an issue and the key of its team. */
    record IssueRef(String id, String teamKey) {}

    private final GraphQl gql;
    private final String instance;
    private final LookupCache<String, Team> teams;
    private final LookupCache<String, String> labels;
    private final LookupCache<String, IssueRef> issues;

    Lookups(GraphQl gql, String instance, LinearSettings settings, Clock clock) {
        this.gql = Objects.requireNonNull(gql, "gql");
        this.instance = Objects.requireNonNull(instance, "instance");
        teams = new LookupCache<>(MAX_TEAMS, settings.cacheTtl(), clock);
        labels = new LookupCache<>(MAX_LABELS, settings.cacheTtl(), clock);
        issues = new LookupCache<>(MAX_ISSUES, settings.cacheTtl(), clock);
    }

    /**
     * Team {@code key} with its states ({@code teams(filter: {key: {eq}})}).
     *
     * @throws dev.scaleplane.api.adapters.AdapterNotFoundException if the credential sees no team of that key
     */
    Team team(String key) {
        Optional<Team> cached = teams.get(key);
        return cached.isPresent() ? cached.get() : reloadTeam(key);
    }

    /** Team {@code key} as Linear has it now. */
    Team reloadTeam(String key) {
        ObjectNode variables = GraphQl.JSON.createObjectNode().put("key", key);
        JsonNode node = gql.query(Documents.TEAM_BY_KEY, variables)
                .path("teams")
                .path("nodes")
                .path(0);
        if (!node.isObject()) {
            teams.invalidate(key);
            throw gql.notFound("Linear has no team with key '" + key
                    + "' that this credential can see (keys are case-sensitive, e.g. ENG)");
        }
        List<State> states = new ArrayList<>();
        for (JsonNode s : node.path("states").path("nodes")) {
            states.add(new State(
                    s.path("id").asText(),
                    s.path("name").asText(),
                    s.path("type").asText(),
                    s.path("position").asDouble()));
        }
        Team team = new Team(node.path("id").asText(), node.path("key").asText(key), List.copyOf(states));
        teams.put(key, team);
        return team;
    }

    /** The id and team of issue {@code identifier}, from the cache or {@code issue(id:)}. */
    IssueRef issue(String identifier) {
        Optional<IssueRef> cached = issues.get(identifier);
        if (cached.isPresent()) {
            return cached.get();
        }
        JsonNode node = gql.query(
                        Documents.ISSUE, GraphQl.JSON.createObjectNode().put("id", identifier))
                .path("issue");
        if (!node.isObject()) {
            throw gql.notFound("Linear has no issue " + identifier);
        }
        return remember(identifier, node);
    }

    /** Caches the id and team of issue node {@code node}, under {@code identifier} and its own identifier. */
    IssueRef remember(String identifier, JsonNode node) {
        IssueRef ref = new IssueRef(
                node.path("id").asText(), node.path("team").path("key").asText());
        issues.put(identifier, ref);
        issues.put(node.path("identifier").asText(identifier), ref);
        return ref;
    }

    /**
     * The ids of labels {@code names} for issues of {@code team}, in order: a label of the team wins over a workspace
     * label of the same name (names match ignoring case, as Linear keeps them unique so). Names neither has are
     * created as labels of the team ({@code issueLabelCreate}) when {@code createMissing}, or when listed in {@code
     * alwaysCreate} (the adapter's own key labels); else refused.
     *
     * @throws dev.scaleplane.api.adapters.AdapterRequestRefusedException naming the missing labels, before anything
     *     is created
     */
    List<String> labelIds(Team team, List<String> names, boolean createMissing, Set<String> alwaysCreate) {
        Map<String, String> ids = new LinkedHashMap<>();
        Set<String> wanted = new LinkedHashSet<>(names);
        List<String> unknown = new ArrayList<>();
        for (String name : wanted) {
            labels.get(labelKey(team, name)).ifPresentOrElse(id -> ids.put(name, id), () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            Map<String, String> found = findLabels(team, unknown);
            List<String> missing = new ArrayList<>();
            for (String name : unknown) {
                String id = found.get(name.toLowerCase(Locale.ROOT));
                if (id != null) {
                    ids.put(name, id);
                    labels.put(labelKey(team, name), id);
                } else if (!createMissing && !alwaysCreate.contains(name)) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                throw gql.refused(
                        200,
                        "Linear team " + team.key() + " has no label " + String.join(", ", missing)
                                + "; create it in Linear, or set " + "scaleplane.adapters." + instance
                                + ".create-missing-labels=true");
            }
            for (String name : unknown) {
                if (!ids.containsKey(name)) {
                    String id = createLabel(team, name);
                    ids.put(name, id);
                    labels.put(labelKey(team, name), id);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : wanted) {
            out.add(ids.get(name));
        }
        return out;
    }

    /** Lower-cased name to id; a team label wins over a workspace one. */
    private Map<String, String> findLabels(Team team, List<String> names) {
        ObjectNode filter = GraphQl.JSON.createObjectNode();
        ArrayNode and = filter.putArray("and");
        ArrayNode byName = and.addObject().putArray("or");
        names.forEach(n -> byName.addObject().putObject("name").put("eqIgnoreCase", n));
        ArrayNode byScope = and.addObject().putArray("or");
        byScope.addObject().putObject("team").putObject("id").put("eq", team.id());
        byScope.addObject().putObject("team").put("null", true);
        ObjectNode variables = GraphQl.JSON.createObjectNode();
        variables.set("filter", filter);
        variables.put("first", LinearSettings.MAX_PAGE_SIZE);
        Map<String, String> found = new LinkedHashMap<>();
        for (JsonNode label : gql.paginate(Documents.LABELS, variables, "issueLabels")) {
            String name = label.path("name").asText().toLowerCase(Locale.ROOT);
            boolean ofTeam = team.id().equals(label.path("team").path("id").asText(null));
            if (ofTeam || !found.containsKey(name)) {
                found.put(name, label.path("id").asText());
            }
        }
        return found;
    }

    private String createLabel(Team team, String name) {
        ObjectNode variables = GraphQl.JSON.createObjectNode();
        variables.putObject("input").put("name", name).put("teamId", team.id());
        return gql.mutate(Documents.CREATE_LABEL, variables, "issueLabelCreate")
                .path("issueLabel")
                .path("id")
                .asText();
    }

    private static String labelKey(Team team, String name) {
        return team.id() + "\n" + name.toLowerCase(Locale.ROOT);
    }
}
