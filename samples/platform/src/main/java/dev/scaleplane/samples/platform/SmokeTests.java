package dev.scaleplane.samples.platform;

import dev.scaleplane.api.deployments.DeploymentProgressed;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A smoke test of every cluster a version becomes ready on, recorded in the event store where the rollout's analysis
 * counts it ({@link Shop#SMOKE_ANALYSIS}).
 *
 * <p>The simulated clusters run no pods, so no request can reach a service: the sample stands in for the smoke test.
 * It reads the Deployment from the cluster's own API server (so it tests what really runs there), and the result is
 * what the requests would find: a pass, unless the image is a version listed in {@link Shop#REGRESSIONS}.
 */
final class SmokeTests implements AutoCloseable {
    private static final URI SOURCE = URI.create("/samples/platform/smoke-tests");

    private final ScaleplanePlatform platform;
    private final SimulatedFleet simulation;
    private final Subscription subscription;

    private SmokeTests(ScaleplanePlatform platform, SimulatedFleet simulation) {
        this.platform = platform;
        this.simulation = simulation;
        this.subscription = platform.events()
                .subscribe(
                        SubscriptionOptions.of(Deployments.TOPIC, "sample-smoke-tests"),
                        DeploymentProgressed.TYPE,
                        this::onProgress);
    }

    /** Starts testing each cluster that becomes ready. */
    static SmokeTests start(ScaleplanePlatform platform, SimulatedFleet simulation) {
        return new SmokeTests(platform, simulation);
    }

    private void onProgress(Event<DeploymentProgressed> event) {
        DeploymentProgressed p = event.data();
        if (!p.step().equals("cluster-ready") || p.cluster() == null) {
            return;
        }
        String running = Sites.imageOn(simulation, p.cluster(), p.application());
        String expected = Shop.image(p.application(), p.version());
        String regression = Shop.regression(p.application(), p.version());
        boolean passed = expected.equals(running) && regression == null;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deployment", p.deploymentId());
        result.put("application", p.application());
        result.put("version", p.version());
        result.put("cluster", p.cluster());
        result.put(
                "finding",
                !expected.equals(running)
                        ? "runs " + running + ", not " + expected
                        : regression == null ? "ok" : regression);
        platform.store()
                .append(
                        "smoke-" + p.application(),
                        ExpectedVersion.ANY,
                        List.of(Event.builder(passed ? Shop.SMOKE_PASSED : Shop.SMOKE_FAILED, result)
                                .source(SOURCE)
                                .build()))
                .join();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
