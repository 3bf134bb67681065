package dev.scaleplane.samples.quickstart;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group {@code auditor}: writes an audit record for every deployment request, naming the requester's team.
 *
 * <p>It fails in two deterministic ways, to show what the bus does with failing handlers:
 *
 * <ul>
 *   <li>every 7th deployment hits a (simulated) audit store timeout on its first attempt and succeeds on the retry;
 *   <li>the requester of {@link DeploymentStream#NEW_HIRE_DEPLOYMENT} is not in the team directory, so that
 *       deployment fails on every attempt and ends up as a dead letter, until the directory is
 *       {@linkplain #registerRequester(String, String) fixed} and the dead letter redriven.
 * </ul>
 */
final class Auditor implements EventHandler<DeploymentRequested> {

    private final Map<String, String> teamDirectory = new ConcurrentHashMap<>(Map.of(
            "alice", "team-shop",
            "bob", "team-money",
            "carol", "team-core",
            "dan", "team-shop"));
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, String> auditLog = new ConcurrentHashMap<>();
    private final AtomicInteger transientFailures = new AtomicInteger();

    @Override
    public void handle(Event<DeploymentRequested> event) {
        DeploymentRequested request = event.data();
        int attempt = attempts.computeIfAbsent(request.deploymentId(), id -> new AtomicInteger())
                .incrementAndGet();
        if (DeploymentStream.sequenceOf(request.deploymentId()) % 7 == 0 && attempt == 1) {
            transientFailures.incrementAndGet();
            throw new AuditStoreTimeoutException(
                    "audit store did not confirm the write of " + request.deploymentId() + " within 50 ms");
        }
        String team = teamDirectory.get(request.requestedBy());
        if (team == null) {
            throw new UnknownRequesterException("requester '" + request.requestedBy() + "' of " + request.deploymentId()
                    + " is not in the team directory; cannot attribute the deployment");
        }
        auditLog.put(
                request.deploymentId(),
                event.time().truncatedTo(ChronoUnit.MILLIS) + " " + request.requestedBy() + " (" + team + ") deployed "
                        + request.application() + " " + request.version() + " to " + request.environment() + " "
                        + request.clusters());
    }

    /** The fix for the dead letter: the new requester is added to the directory. */
    void registerRequester(String requester, String team) {
        teamDirectory.put(requester, team);
    }

    /** Deployments with an audit record. */
    int auditedCount() {
        return auditLog.size();
    }

    /** Whether a deployment has an audit record. */
    boolean audited(String deploymentId) {
        return auditLog.containsKey(deploymentId);
    }

    /** The audit record of a deployment, or {@code null}. */
    String auditRecord(String deploymentId) {
        return auditLog.get(deploymentId);
    }

    /** First attempts that failed with the simulated timeout. */
    int transientFailures() {
        return transientFailures.get();
    }

    /** A failure that goes away on retry. */
    static final class AuditStoreTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuditStoreTimeoutException(String message) {
            super(message);
        }
    }

    /** A failure that only a fix of the data cures. */
    static final class UnknownRequesterException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownRequesterException(String message) {
            super(message);
        }
    }
}
