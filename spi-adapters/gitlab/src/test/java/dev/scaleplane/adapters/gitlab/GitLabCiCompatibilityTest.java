package dev.scaleplane.adapters.gitlab;

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

/** GitLab CI against the kit, on the GitLab simulation, with a project in a subgroup (an encoded path as :id). */
class GitLabCiCompatibilityTest extends CiAdapterCompatibilityKit {
    private static FakeGitLab gitlab;

    @BeforeAll
    static void start() {
        gitlab = FakeGitLab.launch();
    }

    @AfterAll
    static void stop() {
        gitlab.shutdown();
    }

    static Map<String, String> config(String baseUrl) {
        String p = "scaleplane.adapters.gl-tck.";
        return Map.of(
                p + "type", "gitlab",
                p + "base-url", baseUrl,
                p + "auth.token", FakeGitLab.TOKEN,
                p + "page-size", "5",
                p + "pipelines.poll-interval", "2ms",
                p + "pipelines.max-poll-interval", "10ms");
    }

    @Override
    protected CiAdapter createAdapter() {
        return new GitLabCiProvider().create("gl-tck", new TestContext(config(gitlab.baseUrl())).context());
    }

    @Override
    protected Set<CiCapability> capabilities() {
        return new GitLabCiProvider().capabilities();
    }

    @Override
    protected CiSimulation simulation() {
        return gitlab.ci();
    }

    @Override
    protected String pipeline() {
        return "acme/platform/app";
    }

    @Override
    protected String missingPipeline() {
        return "acme/missing";
    }

    @Override
    protected int runsPageSize() {
        return 5;
    }

    /** Every pipeline status GitLab has (Ci::HasStatus::AVAILABLE_STATUSES). */
    @Override
    protected Map<String, CiStatus> vendorStates() {
        return Map.ofEntries(
                entry("created", CiStatus.QUEUED),
                entry("waiting_for_resource", CiStatus.QUEUED),
                entry("preparing", CiStatus.QUEUED),
                entry("pending", CiStatus.QUEUED),
                entry("scheduled", CiStatus.QUEUED),
                entry("running", CiStatus.RUNNING),
                entry("waiting_for_callback", CiStatus.RUNNING),
                entry("manual", CiStatus.RUNNING),
                entry("success", CiStatus.SUCCEEDED),
                entry("failed", CiStatus.FAILED),
                entry("canceling", CiStatus.CANCELLED),
                entry("canceled", CiStatus.CANCELLED),
                entry("skipped", CiStatus.CANCELLED));
    }
}
