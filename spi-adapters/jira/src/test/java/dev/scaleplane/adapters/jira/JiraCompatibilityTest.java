package dev.scaleplane.adapters.jira;

import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.tck.IssueTrackerCompatibilityKit;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Jira against the kit, unchanged, on the Jira simulation, with email and API token. */
class JiraCompatibilityTest extends IssueTrackerCompatibilityKit {
    private static FakeJira jira;

    @BeforeAll
    static void start() {
        jira = FakeJira.launch();
    }

    @AfterAll
    static void stop() {
        jira.shutdown();
    }

    static Map<String, String> config(String baseUrl) {
        String p = "scaleplane.adapters.jira-tck.";
        return Map.of(
                p + "type",
                "jira",
                p + "base-url",
                baseUrl,
                p + "auth.username",
                FakeJira.EMAIL,
                p + "auth.token",
                FakeJira.TOKEN,
                p + "page-size",
                "5");
    }

    @Override
    protected IssueTrackerAdapter createAdapter() {
        return new JiraProvider().create("jira-tck", new TestContext(config(jira.baseUrl())).context());
    }

    @Override
    protected Set<IssueTrackerCapability> capabilities() {
        return new JiraProvider().capabilities();
    }

    @Override
    protected IssueTrackerSimulation simulation() {
        return jira.issueTracker();
    }

    @Override
    protected String project() {
        return "OPS";
    }

    @Override
    protected String assignee() {
        return FakeJira.ACCOUNT_ID;
    }

    @Override
    protected String missingIssueId() {
        return "OPS-999999";
    }

    @Override
    protected String closeTransition() {
        return "Done";
    }

    @Override
    protected String reopenTransition() {
        return "To Do";
    }

    @Override
    protected int searchPageSize() {
        return 5;
    }
}
