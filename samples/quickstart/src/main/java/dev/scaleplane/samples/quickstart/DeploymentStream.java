package dev.scaleplane.samples.quickstart;

import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stream of deployment requests, as a deploy API would receive them over a busy hour: several
 * applications, versions, environments and target clusters.
 */
final class DeploymentStream {

    /** The deployment whose requester the auditor does not know yet, so it fails on every attempt. */
    static final String NEW_HIRE_DEPLOYMENT = "dep-0023";

    /** The requester of {@link #NEW_HIRE_DEPLOYMENT}: joined today, not yet in the team directory. */
    static final String NEW_HIRE = "erin";

    private static final String[] APPLICATIONS = {
        "checkout", "payments", "search", "catalog", "identity", "notifications", "ledger"
    };
    private static final String[] ENVIRONMENTS = {"dev", "staging", "prod"};
    private static final String[] REQUESTERS = {"alice", "bob", "carol", "dan"};

    private DeploymentStream() {}

    /** {@code count} requests, {@code dep-0001} first. */
    static List<DeploymentRequested> requests(int count) {
        List<DeploymentRequested> requests = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            String id = deploymentId(n);
            String application = APPLICATIONS[(n * 3) % APPLICATIONS.length];
            String environment = ENVIRONMENTS[n % ENVIRONMENTS.length];
            String version = "1." + (n / 5) + "." + (n % 4);
            String requester = id.equals(NEW_HIRE_DEPLOYMENT) ? NEW_HIRE : REQUESTERS[n % REQUESTERS.length];
            requests.add(new DeploymentRequested(
                    id, application, version, environment, clustersFor(environment), requester));
        }
        return requests;
    }

    /** {@code dep-0007} for 7. */
    static String deploymentId(int sequence) {
        return String.format("dep-%04d", sequence);
    }

    /** The sequence number of a deployment id: 7 for {@code dep-0007}. */
    static int sequenceOf(String deploymentId) {
        return Integer.parseInt(deploymentId.substring(deploymentId.indexOf('-') + 1));
    }

    /** The owning team of an application, used as the events' tenant. */
    static String teamOf(String application) {
        return switch (application) {
            case "checkout", "catalog", "search" -> "team-shop";
            case "payments", "ledger" -> "team-money";
            default -> "team-core";
        };
    }

    private static List<String> clustersFor(String environment) {
        return switch (environment) {
            case "prod" -> List.of("ams-prod-1", "par-prod-1", "waw-prod-1");
            case "staging" -> List.of("ams-stg-1", "par-stg-1");
            default -> List.of("ams-dev-1");
        };
    }
}
