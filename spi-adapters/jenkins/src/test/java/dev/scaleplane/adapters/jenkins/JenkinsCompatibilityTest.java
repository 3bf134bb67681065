package dev.scaleplane.adapters.jenkins;

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

/**
 * Jenkins against the kit, unchanged, on the Jenkins simulation: a Pipeline job two folders deep whose {@code BRANCH}
 * parameter takes the ref, on a controller under a context path.
 */
class JenkinsCompatibilityTest extends CiAdapterCompatibilityKit {
    private static FakeJenkins jenkins;

    @BeforeAll
    static void start() {
        jenkins = FakeJenkins.launch("/jenkins");
    }

    @AfterAll
    static void stop() {
        jenkins.shutdown();
    }

    static Map<String, String> config(String baseUrl) {
        String p = "scaleplane.adapters.jenkins-tck.";
        return Map.of(
                p + "type", "jenkins",
                p + "base-url", baseUrl,
                p + "auth.username", FakeJenkins.USER,
                p + "auth.token", FakeJenkins.TOKEN,
                p + "ref-parameter", "BRANCH",
                p + "page-size", "5",
                p + "poll-interval", "2ms",
                p + "max-poll-interval", "10ms");
    }

    @Override
    protected CiAdapter createAdapter() {
        return new JenkinsProvider().create("jenkins-tck", new TestContext(config(jenkins.baseUrl())).context());
    }

    @Override
    protected Set<CiCapability> capabilities() {
        return new JenkinsProvider().capabilities();
    }

    @Override
    protected CiSimulation simulation() {
        return jenkins.simulation();
    }

    @Override
    protected String pipeline() {
        return FakeJenkins.DEPLOY;
    }

    @Override
    protected String missingPipeline() {
        return "team/platform/missing";
    }

    @Override
    protected int runsPageSize() {
        return 5;
    }

    @Override
    protected Map<String, CiStatus> vendorStates() {
        return Map.ofEntries(
                entry("queue/waiting", CiStatus.QUEUED),
                entry("queue/blocked", CiStatus.QUEUED),
                entry("queue/buildable", CiStatus.QUEUED),
                entry("queue/cancelled", CiStatus.CANCELLED),
                entry("building", CiStatus.RUNNING),
                entry("SUCCESS", CiStatus.SUCCEEDED),
                entry("UNSTABLE", CiStatus.FAILED),
                entry("FAILURE", CiStatus.FAILED),
                entry("ABORTED", CiStatus.CANCELLED),
                entry("NOT_BUILT", CiStatus.CANCELLED));
    }
}
