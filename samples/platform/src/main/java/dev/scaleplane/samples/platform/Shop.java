package dev.scaleplane.samples.platform;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The four services of the sample's shop and how each is deployed: the Kubernetes objects of a version, where it runs
 * (residency EU, three clusters over at least two regions), how a version rolls out (a canary, then one wave per
 * region, a short soak and a smoke-test analysis between waves), and the deployment SLO of payments.
 */
final class Shop {
    /** The services. */
    static final String CHECKOUT = "checkout";

    static final String SEARCH = "search";
    static final String PAYMENTS = "payments";
    static final String PROFILE = "profile";

    /** The namespace every service runs in. */
    static final String NAMESPACE = "shop";

    /** Where the images come from; the tag is the version. */
    static final String REGISTRY = "registry.example.com/shop/";

    /**
     * Residency EU, the best three clusters, spanning at least two regions and at most three. The standby clusters
     * (tainted {@code PreferNoSchedule}) rank last, so a healthy fleet gives one primary cluster per region, and a
     * region that goes away is replaced from the standbys of the others.
     */
    static final PlacementPolicy PLACEMENT = PlacementPolicy.builder()
            .residency(Sites.RESIDENCY)
            .pick(3)
            .spread(SpreadConstraint.regions(2, 3))
            .build();

    /** The soak of each wave once ready, before its analysis. */
    static final Duration SOAK = Duration.ofMillis(300);

    /** The time a cluster has to become ready after its apply. */
    static final Duration PROGRESS_DEADLINE = Duration.ofSeconds(5);

    /** The bake of profile's canary once its team gates releases by hand; only a promotion ends it in the sample. */
    static final Duration MANUAL_BAKE = Duration.ofMinutes(30);

    /** The smoke-test results {@link SmokeTests} records, counted by the analysis. */
    static final String SMOKE_PASSED = "shop.smoke.passed";

    static final String SMOKE_FAILED = "shop.smoke.failed";

    /**
     * The analysis between waves: the share of failed smoke tests among this deployment's smoke tests so far must be
     * 0. Until the first result is recorded there is no ratio, which is a measurement error, measured again after the
     * interval (errors do not count toward the count); up to 20 errors in a row (4 s) are allowed, so that a smoke
     * test slowed down by a busy machine is waited for rather than taken for a failure.
     */
    static final AnalysisSpec SMOKE_ANALYSIS = AnalysisSpec.of(MetricCheck.builder("smoke-failures")
            .source(MetricSource.eventRatio(Duration.ofHours(1), Set.of(SMOKE_FAILED), Set.of(SMOKE_PASSED))
                    .where("deployment", "{{deployment}}"))
            .failureCondition("result > 0")
            .interval(Duration.ofMillis(200))
            .count(1)
            .consecutiveErrorLimit(20)
            .build());

    /** How every service rolls out by default: canary, then by region, soak, smoke-test analysis. */
    static final RolloutStrategy ROLLOUT = RolloutStrategy.builder()
            .minSuccessTime(SOAK)
            .progressDeadline(PROGRESS_DEADLINE)
            .analysis(SMOKE_ANALYSIS)
            .build();

    /**
     * Versions with a regression the smoke test finds. The simulated clusters run no pods, so {@link SmokeTests}
     * stands in for the requests a real smoke test would send; this is what those requests would find.
     */
    static final Map<String, String> REGRESSIONS = Map.of(SEARCH + ":1.2.0", "GET /search?q=café answers 500");

    /** Payments' deployment SLO: 90 % of its deployments succeed over 30 days, from the platform's own events. */
    static final SloDefinition PAYMENTS_SLO = deploymentSlo(PAYMENTS);

    /** Checkout's, the same objective; checkout's deployments all succeed, so its budget stays whole. */
    static final SloDefinition CHECKOUT_SLO = deploymentSlo(CHECKOUT);

    /** {@code <service>-deployments}: 90 % of the service's deployments succeed over 30 days. */
    static SloDefinition deploymentSlo(String service) {
        return SloDefinition.builder(service + "-deployments")
                .service(service)
                .sli(Sli.deploymentSuccess())
                .objective(0.9)
                .window(Duration.ofDays(30))
                .build();
    }

    /**
     * Checkout's availability from Prometheus, defined only when a Prometheus server is configured: good requests are
     * those not answered 5xx, from the usual {@code http_requests_total} counter of job {@code checkout}. Like every
     * SLO, a spent budget freezes checkout's deployments.
     */
    static SloDefinition prometheusSlo() {
        return SloDefinition.builder("checkout-availability")
                .service(CHECKOUT)
                .sli(Sli.queryRatio(
                        "prometheus",
                        "sum(increase(http_requests_total{job=\"checkout\",code!~\"5..\"}[$window]))",
                        "sum(increase(http_requests_total{job=\"checkout\"}[$window]))"))
                .objective(0.99)
                .window(Duration.ofDays(30))
                .build();
    }

    private Shop() {}

    /** The services with the default rollout. */
    static List<Application> applications() {
        return List.of(
                application(CHECKOUT, ROLLOUT),
                application(SEARCH, ROLLOUT),
                application(PAYMENTS, ROLLOUT),
                application(PROFILE, ROLLOUT));
    }

    /** {@code service} placed by {@link #PLACEMENT} and rolled out by {@code rollout}. */
    static Application application(String service, RolloutStrategy rollout) {
        return Application.builder(service, version -> manifests(service, version))
                .placement(PLACEMENT)
                .rollout(rollout)
                .build();
    }

    /** Profile's rollout once its team gates each release by hand: the canary bakes until someone promotes it. */
    static RolloutStrategy manualGate() {
        return RolloutStrategy.builder()
                .minSuccessTime(MANUAL_BAKE)
                .progressDeadline(PROGRESS_DEADLINE)
                .analysis(SMOKE_ANALYSIS)
                .build();
    }

    /** The image of {@code version} of {@code service}. */
    static String image(String service, String version) {
        return REGISTRY + service + ":" + version;
    }

    /** The regression {@code version} of {@code service} carries, or null. */
    static String regression(String service, String version) {
        return REGRESSIONS.get(service + ":" + version);
    }

    /**
     * The objects of a version: one Deployment of two replicas running the version's image, which the simulated
     * controllers roll out (and never make ready when the image contains {@code fail}).
     */
    static List<Manifest> manifests(String service, String version) {
        return List.of(SimulatedWorkloads.deployment(NAMESPACE, service, image(service, version), 2));
    }
}
