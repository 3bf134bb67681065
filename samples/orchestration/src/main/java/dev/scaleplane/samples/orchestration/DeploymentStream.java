package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stream of deployment requests, arriving in waves as a deploy API would receive them: several
 * applications and environments, each environment with its clusters in the {@code eu} and {@code us} regions.
 */
final class DeploymentStream {

    private static final String[] APPLICATIONS = {"checkout", "payments", "search", "catalog", "identity", "ledger"};
    private static final String[] ENVIRONMENTS = {"prod", "staging", "dev"};
    private static final String[] REQUESTERS = {"alice", "bob", "carol", "dan"};

    private DeploymentStream() {}

    /** Wave {@code wave} (from 0) of {@code perWave} requests; ids continue from one wave to the next. */
    static List<DeploymentRequested> wave(int wave, int perWave) {
        List<DeploymentRequested> requests = new ArrayList<>(perWave);
        for (int i = 0; i < perWave; i++) {
            int n = wave * perWave + i + 1;
            String environment = ENVIRONMENTS[(n - 1) % ENVIRONMENTS.length];
            requests.add(new DeploymentRequested(
                    String.format("dep-%03d", n),
                    APPLICATIONS[(n * 5) % APPLICATIONS.length],
                    "2." + (n / 4) + "." + (n % 3),
                    environment,
                    clustersFor(environment),
                    REQUESTERS[n % REQUESTERS.length]));
        }
        return requests;
    }

    /** The clusters of an environment: prod in three sites over both regions, staging in two, dev in one. */
    static List<String> clustersFor(String environment) {
        return switch (environment) {
            case "prod" -> List.of("ams-prod-1", "par-prod-1", "iad-prod-1");
            case "staging" -> List.of("waw-stg-1", "sfo-stg-1");
            default -> List.of("par-dev-1");
        };
    }
}
