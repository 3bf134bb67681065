package dev.scaleplane.adapters.github;

import static java.util.Map.entry;

import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.tck.CiAdapterCompatibilityKit;
import dev.scaleplane.tck.CiSimulation;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** GitHub Actions against the kit, on the GitHub simulation. */
class GitHubActionsCompatibilityTest extends CiAdapterCompatibilityKit {
    private static FakeGitHub github;

    @BeforeAll
    static void start() {
        github = FakeGitHub.launch();
    }

    @AfterAll
    static void stop() {
        github.shutdown();
    }

    static Map<String, String> config(String baseUrl) {
        String p = "scaleplane.adapters.gh-tck.";
        return Map.of(
                p + "type", "github",
                p + "base-url", baseUrl,
                p + "auth.token", FakeGitHub.TOKEN,
                p + "page-size", "5",
                p + "actions.poll-interval", "2ms",
                p + "actions.max-poll-interval", "10ms");
    }

    @Override
    protected CiAdapter createAdapter() {
        return new GitHubActionsProvider().create("gh-tck", new TestContext(config(github.baseUrl())).context());
    }

    @Override
    protected Set<CiCapability> capabilities() {
        return new GitHubActionsProvider().capabilities();
    }

    @Override
    protected CiSimulation simulation() {
        return github.actions();
    }

    @Override
    protected String pipeline() {
        return "acme/app/ci.yml";
    }

    @Override
    protected String missingPipeline() {
        return "acme/app/missing.yml";
    }

    @Override
    protected int runsPageSize() {
        return 5;
    }

    @Override
    protected Map<String, CiStatus> vendorStates() {
        return Map.ofEntries(
                entry("queued", CiStatus.QUEUED),
                entry("waiting", CiStatus.QUEUED),
                entry("requested", CiStatus.QUEUED),
                entry("pending", CiStatus.QUEUED),
                entry("in_progress", CiStatus.RUNNING),
                entry("completed/success", CiStatus.SUCCEEDED),
                entry("completed/neutral", CiStatus.SUCCEEDED),
                entry("completed/failure", CiStatus.FAILED),
                entry("completed/timed_out", CiStatus.FAILED),
                entry("completed/action_required", CiStatus.FAILED),
                entry("completed/startup_failure", CiStatus.FAILED),
                entry("completed/stale", CiStatus.FAILED),
                entry("completed/cancelled", CiStatus.CANCELLED),
                entry("completed/skipped", CiStatus.CANCELLED));
    }
}
