package dev.scaleplane.adapters.linear;

import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.tck.IssueTrackerCompatibilityKit;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Linear against the kit, unchanged, on the Linear simulation. */
class LinearCompatibilityTest extends IssueTrackerCompatibilityKit {
    private static final String P = "scaleplane.adapters.linear-tck.";
    private static FakeLinear linear;

    @BeforeAll
    static void start() {
        linear = FakeLinear.launch();
    }

    @AfterAll
    static void stop() {
        linear.shutdown();
    }

    static Map<String, String> config(String baseUrl) {
        return Map.of(
                P + "type", "linear", P + "base-url", baseUrl, P + "auth.token", FakeLinear.KEY, P + "page-size", "5");
    }

    @Override
    protected IssueTrackerAdapter createAdapter() {
        TestContext context = new TestContext(config(linear.baseUrl()));
        linear.clock(context.clock::instant);
        return new LinearProvider().create("linear-tck", context.context());
    }

    @Override
    protected Set<IssueTrackerCapability> capabilities() {
        return new LinearProvider().capabilities();
    }

    @Override
    protected IssueTrackerSimulation simulation() {
        return linear;
    }

    @Override
    protected String project() {
        return "ENG";
    }

    @Override
    protected String assignee() {
        return FakeLinear.USER_ID;
    }

    @Override
    protected String missingIssueId() {
        return "ENG-999999";
    }

    @Override
    protected String closeTransition() {
        return "Done";
    }

    @Override
    protected String reopenTransition() {
        return "Todo";
    }

    @Override
    protected int searchPageSize() {
        return 5;
    }
}
