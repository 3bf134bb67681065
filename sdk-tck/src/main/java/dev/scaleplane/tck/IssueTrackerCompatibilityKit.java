package dev.scaleplane.tck;

import static dev.scaleplane.api.adapters.issues.IssueTrackerCapability.ASSIGNEE;
import static dev.scaleplane.api.adapters.issues.IssueTrackerCapability.LABELS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.issues.Issue;
import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.api.adapters.issues.NewIssue;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link IssueTrackerAdapter}, for every issue tracker. An adapter module adds one subclass in its
 * tests that creates the adapter (through its provider) pointed at a local simulation of the tracker and hands the kit
 * that simulation as an {@link IssueTrackerSimulation}; it names a project, an assignee, the tracker's transitions
 * into a closed and an open state, and the page size the adapter searches with.
 *
 * <h2>What is tested</h2>
 *
 * Create (with labels and an assignee where declared), update, comment, close, transition by name (and the error
 * naming the transitions that exist), find (present and absent), search by label and by text, lazily across at least
 * three pages, upsert by an external key (opens once, then comments on the open issue; opens anew once that one is
 * closed), and a 401 failing at once without the credential in the message. {@link IssueTrackerCapability}s gate
 * the optional clauses as {@link TestFactory}s that yield their test only when declared.
 */
public abstract class IssueTrackerCompatibilityKit {

    /** The label search tests seed issues with. */
    protected static final String SEARCH_LABEL = "tck-search";

    /** The adapter of the current test. */
    protected IssueTrackerAdapter adapter;

    /** Creates the adapter under test, pointed at {@link #simulation()}. Called before each test; closed after. */
    protected abstract IssueTrackerAdapter createAdapter();

    /** What the adapter declares; must equal its provider's {@code capabilities()}. */
    protected abstract Set<IssueTrackerCapability> capabilities();

    /** The simulation behind the adapter. */
    protected abstract IssueTrackerSimulation simulation();

    /** A project that exists in the simulation ({@code owner/repo}, a Jira project key, a Linear team key). */
    protected abstract String project();

    /** A user the tracker accepts as assignee, in the tracker's terms. */
    protected abstract String assignee();

    /** An id in the tracker's format of an issue that does not exist. */
    protected abstract String missingIssueId();

    /** The name of a transition from open to closed (GitHub {@code close}, Jira e.g. {@code Done}). */
    protected abstract String closeTransition();

    /** The name of a transition from closed to open (GitHub {@code reopen}). */
    protected abstract String reopenTransition();

    /** The page size the adapter searches with, as configured by {@link #createAdapter()}. */
    protected abstract int searchPageSize();

    @BeforeEach
    void createTheAdapter() {
        simulation().reset();
        adapter = createAdapter();
    }

    @AfterEach
    void closeTheAdapter() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private Stream<DynamicTest> onlyIf(IssueTrackerCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.of(DynamicTest.dynamicTest(capability + " declared", body))
                : Stream.empty();
    }

    private Issue open(String title) {
        return adapter.create(NewIssue.builder(project(), title)
                .body("Body of *" + title + "*")
                .build());
    }

    // ---- create, update, comment ----

    @Test
    @DisplayName("create opens an issue with the title and Markdown body")
    void create() {
        Issue issue = open("Deploy of api failed");
        assertThat(issue.id()).isNotBlank();
        assertThat(issue.project()).isEqualTo(project());
        assertThat(issue.title()).isEqualTo("Deploy of api failed");
        assertThat(issue.state()).isEqualTo(IssueState.OPEN);
        assertThat(issue.status()).isNotBlank();
        assertThat(simulation().body(issue.id())).contains("Deploy of api failed");
        assertThat(adapter.find(issue.id()))
                .hasValueSatisfying(i -> assertThat(i.title()).isEqualTo("Deploy of api failed"));
    }

    @TestFactory
    @DisplayName("create keeps the labels")
    Stream<DynamicTest> createWithLabels() {
        return onlyIf(LABELS, () -> {
            Issue issue = adapter.create(NewIssue.builder(project(), "Labelled")
                    .labels("incident", "team-api")
                    .build());
            assertThat(issue.labels()).contains("incident", "team-api");
            assertThat(adapter.find(issue.id()).orElseThrow().labels()).contains("incident", "team-api");
        });
    }

    @TestFactory
    @DisplayName("create assigns the issue")
    Stream<DynamicTest> createWithAssignee() {
        return onlyIf(ASSIGNEE, () -> {
            Issue issue = adapter.create(
                    NewIssue.builder(project(), "Assigned").assignee(assignee()).build());
            assertThat(issue.assignee()).isEqualTo(assignee());
        });
    }

    @Test
    @DisplayName("update changes the title and body; null leaves a field as it is")
    void update() {
        Issue issue = open("Old title");
        Issue renamed = adapter.update(issue.id(), "New title", null);
        assertThat(renamed.title()).isEqualTo("New title");
        assertThat(simulation().body(issue.id())).contains("Old title");
        Issue rewritten = adapter.update(issue.id(), null, "A new body");
        assertThat(rewritten.title()).isEqualTo("New title");
        assertThat(simulation().body(issue.id())).contains("A new body");
    }

    @Test
    @DisplayName("comment adds a Markdown comment and returns its id")
    void comment() {
        Issue issue = open("Commented");
        String first = adapter.comment(issue.id(), "It failed **again**");
        String second = adapter.comment(issue.id(), "And again");
        assertThat(first).isNotBlank().isNotEqualTo(second);
        List<String> comments = simulation().comments(issue.id());
        assertThat(comments).hasSize(2);
        assertThat(comments.get(0)).contains("again");
        assertThat(comments.get(1)).contains("And again");
    }

    // ---- close and transitions ----

    @Test
    @DisplayName("close closes the issue")
    void close() {
        Issue issue = open("To close");
        assertThat(adapter.close(issue.id()).state()).isEqualTo(IssueState.CLOSED);
        assertThat(adapter.find(issue.id()).orElseThrow().state()).isEqualTo(IssueState.CLOSED);
    }

    @Test
    @DisplayName("transitions by name close and reopen the issue")
    void transitions() {
        Issue issue = open("To move");
        assertThat(adapter.transition(issue.id(), closeTransition()).state()).isEqualTo(IssueState.CLOSED);
        assertThat(adapter.transition(issue.id(), reopenTransition()).state()).isEqualTo(IssueState.OPEN);
        assertThat(adapter.find(issue.id()).orElseThrow().state()).isEqualTo(IssueState.OPEN);
    }

    @Test
    @DisplayName("an unknown transition fails naming the transitions that exist")
    void unknownTransition() {
        Issue issue = open("Stuck");
        assertThatThrownBy(() -> adapter.transition(issue.id(), "teleport"))
                .isInstanceOf(AdapterException.class)
                .hasMessageContaining("teleport")
                .hasMessageContaining(closeTransition());
        assertThat(adapter.find(issue.id()).orElseThrow().state()).isEqualTo(IssueState.OPEN);
    }

    // ---- find and search ----

    @Test
    @DisplayName("find returns the issue, or empty for one that does not exist")
    void find() {
        Issue issue = open("Findable");
        assertThat(adapter.find(issue.id())).hasValueSatisfying(i -> {
            assertThat(i.id()).isEqualTo(issue.id());
            assertThat(i.url()).isEqualTo(issue.url());
        });
        assertThat(adapter.find(missingIssueId())).isEmpty();
    }

    @TestFactory
    @DisplayName("search by label is lazy and crosses at least three pages")
    Stream<DynamicTest> searchByLabel() {
        return onlyIf(LABELS, () -> {
            int pageSize = searchPageSize();
            int total = 3 * pageSize + 1;
            simulation().seedIssues(project(), total, SEARCH_LABEL, "flaky");
            open("Unlabelled");
            int before = simulation().requestCount();

            Stream<Issue> found = adapter.search(IssueQuery.open(project(), SEARCH_LABEL));
            assertThat(simulation().requestCount())
                    .as("requests before the stream is used")
                    .isEqualTo(before);
            Iterator<Issue> it = found.iterator();
            assertThat(it.hasNext()).isTrue();
            it.next();
            assertThat(simulation().requestCount() - before)
                    .as("requests for the first issue")
                    .isEqualTo(1);

            List<Issue> all =
                    adapter.search(IssueQuery.open(project(), SEARCH_LABEL)).collect(Collectors.toList());
            assertThat(all).hasSize(total);
            assertThat(all).extracting(Issue::id).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(i -> {
                assertThat(i.labels()).contains(SEARCH_LABEL);
                assertThat(i.state()).isEqualTo(IssueState.OPEN);
            });
            assertThat(simulation().requestCount() - before - 1).as("pages").isGreaterThanOrEqualTo(4);
        });
    }

    @Test
    @DisplayName("search by text finds the matching issues only")
    void searchByText() {
        simulation().seedIssues(project(), 3, SEARCH_LABEL, "kraken");
        open("Unrelated");
        List<Issue> found = adapter.search(new IssueQuery(project(), null, List.of(), "kraken"))
                .collect(Collectors.toList());
        assertThat(found).hasSize(3).allSatisfy(i -> assertThat(i.title()).contains("kraken"));
    }

    @Test
    @DisplayName("search leaves closed issues out when asked for open ones")
    void searchOpenOnly() {
        simulation().seedIssues(project(), 2, SEARCH_LABEL, "gremlin");
        Issue closed = adapter.close(adapter.search(new IssueQuery(project(), IssueState.OPEN, List.of(), "gremlin"))
                .findFirst()
                .orElseThrow()
                .id());
        List<Issue> open = adapter.search(new IssueQuery(project(), IssueState.OPEN, List.of(), "gremlin"))
                .collect(Collectors.toList());
        assertThat(open).hasSize(1).extracting(Issue::id).doesNotContain(closed.id());
    }

    // ---- upsert ----

    @Test
    @DisplayName("upsert opens one issue per external key, then comments on it while it is open")
    void upsert() {
        NewIssue template = NewIssue.builder(project(), "Nightly build broken")
                .body("The nightly build failed.")
                .build();
        int issuesBefore = simulation().issueCount(project());
        Issue first = adapter.upsert("nightly-build", template, "Failed again");
        assertThat(first.state()).isEqualTo(IssueState.OPEN);
        assertThat(simulation().issueCount(project())).isEqualTo(issuesBefore + 1);
        assertThat(simulation().comments(first.id())).isEmpty();

        Issue second = adapter.upsert("nightly-build", template, "Failed again");
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(simulation().issueCount(project())).isEqualTo(issuesBefore + 1);
        assertThat(simulation().comments(first.id()))
                .hasSize(1)
                .first()
                .asString()
                .contains("Failed again");

        Issue other = adapter.upsert("release-build", template, "Failed again");
        assertThat(other.id()).isNotEqualTo(first.id());

        adapter.close(first.id());
        Issue reopened = adapter.upsert("nightly-build", template, "Failed again");
        assertThat(reopened.id()).isNotEqualTo(first.id());
        assertThat(reopened.state()).isEqualTo(IssueState.OPEN);
    }

    // ---- errors ----

    @Test
    @DisplayName("a 401 fails at once with AdapterAuthenticationException and no credential in the message")
    void unauthorized() {
        int before = simulation().requestCount();
        simulation().failNext(401, null);
        assertThatThrownBy(() -> open("Refused")).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.system()).isEqualTo(adapter.system());
            assertThat(e.getMessage()).doesNotContain(simulation().credential());
        });
        assertThat(simulation().requestCount() - before).isEqualTo(1);
    }
}
