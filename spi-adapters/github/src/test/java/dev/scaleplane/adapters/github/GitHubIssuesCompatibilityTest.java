package dev.scaleplane.adapters.github;

import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.tck.IssueTrackerCompatibilityKit;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** GitHub Issues against the kit, on the GitHub simulation. */
class GitHubIssuesCompatibilityTest extends IssueTrackerCompatibilityKit {
    private static FakeGitHub github;

    @BeforeAll
    static void start() {
        github = FakeGitHub.launch();
    }

    @AfterAll
    static void stop() {
        github.shutdown();
    }

    @Override
    protected IssueTrackerAdapter createAdapter() {
        return new GitHubIssuesProvider()
                .create("gh-tck", new TestContext(GitHubActionsCompatibilityTest.config(github.baseUrl())).context());
    }

    @Override
    protected Set<IssueTrackerCapability> capabilities() {
        return new GitHubIssuesProvider().capabilities();
    }

    @Override
    protected IssueTrackerSimulation simulation() {
        return github.issueTracker();
    }

    @Override
    protected String project() {
        return "acme/app";
    }

    @Override
    protected String assignee() {
        return "octocat";
    }

    @Override
    protected String missingIssueId() {
        return "acme/app#999999";
    }

    @Override
    protected String closeTransition() {
        return "close";
    }

    @Override
    protected String reopenTransition() {
        return "reopen";
    }

    @Override
    protected int searchPageSize() {
        return 5;
    }
}
