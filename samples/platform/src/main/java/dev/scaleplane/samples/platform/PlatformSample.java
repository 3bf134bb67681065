package dev.scaleplane.samples.platform;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFederationProvider;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The Scaleplane flagship sample: a platform on its embedded defaults deploys four services of a shop to a simulated
 * EU fleet (Amsterdam, Paris, Warsaw, two clusters each) in waves, and shows what keeps those deployments safe.
 *
 * <ol>
 *   <li>A stream of requests rolls out canary first, then region by region, with a soak and a smoke-test analysis
 *       between waves.
 *   <li>A version with a regression fails its analysis on the canary and is rolled back: only the canary changed.
 *   <li>Payments burns its deployment error budget; its next request is refused until an emergency fix, whose flag
 *       and flagger are recorded, goes through.
 *   <li>Paris is partitioned while a rollout waits on its canary: the Paris cluster it had not reached yet is replaced
 *       by another EU cluster, and new placements avoid Paris.
 * </ol>
 *
 * <p>While it runs it shows a progress line per active rollout; at the end a table of every deployment, the SLOs and
 * the controller's scaling meters. It checks every outcome and exits with status 1, listing what differs, if one is
 * not what the scenario guarantees.
 */
public final class PlatformSample {

    /** How long any one step may take before the run gives up on it; far more than each needs. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** The environment variable (or, as {@code scaleplane.sample.prometheus-url}, system property) of Prometheus. */
    static final String PROMETHEUS_ENV = "SCALEPLANE_SAMPLE_PROMETHEUS_URL";

    static final String PROMETHEUS_PROPERTY = "scaleplane.sample.prometheus-url";

    /** Who does what in the scenario. */
    static final String CI = "ci-pipeline";

    static final String ONCALL = "oncall-dana";
    static final String RELEASE_MANAGER = "release-manager-eve";

    /**
     * Health settings for a demo: a probe every 200 ms and two failures to call a cluster down, so that a partition
     * shows within half a second; a 2 s probe timeout, so that a busy machine does not call a healthy cluster down.
     */
    static final Map<String, String> FLEET_SETTINGS = Map.of(
            KubernetesFleetConfig.PROBE_INTERVAL, "200ms",
            KubernetesFleetConfig.PROBE_TIMEOUT, "2s",
            KubernetesFleetConfig.FAILURE_THRESHOLD, "2",
            KubernetesFleetConfig.TOLERATION, "2s",
            KubernetesFleetConfig.REQUEST_TIMEOUT, "2s");

    /** Apply tasks retried quickly while a cluster is unreachable; a refusal by the API server is final. */
    static final RetryPolicy APPLY_RETRIES = RetryPolicy.builder()
            .exponential(Duration.ofMillis(200), 2)
            .maxDelay(Duration.ofSeconds(2))
            .maxAttempts(50)
            .nonRetryable(ApplyException.class)
            .build();

    /** The primary clusters, where a healthy fleet places every service, canary first. */
    static final List<String> PRIMARIES = List.of("ams-1", "par-1", "waw-1");

    private PlatformSample() {}

    /** Runs the sample; exits with status 1 if an outcome is not the expected one. */
    public static void main(String[] args) throws Exception {
        Outcome outcome = run(System.out, System.console() != null);
        if (!outcome.ok()) {
            System.err.println("platform sample FAILED: " + outcome.failures().size() + " expectation(s) not met:");
            outcome.failures().forEach(f -> System.err.println("  - " + f));
            System.exit(1);
        }
    }

    /**
     * What a run saw.
     *
     * @param deployments every deployment's final status, in request order
     * @param failures the expectations that were not met; empty when the run went as expected
     */
    record Outcome(List<DeploymentStatus> deployments, List<String> failures) {
        boolean ok() {
            return failures.isEmpty();
        }
    }

    /** The expectations of one run: each unmet one is noted and the run goes on. */
    static final class Expectations {
        private final List<String> failures = new ArrayList<>();

        /** Notes {@code expectation} as unmet unless {@code ok}; returns {@code ok}. */
        synchronized boolean expect(boolean ok, Supplier<String> expectation) {
            if (!ok) {
                failures.add(expectation.get());
            }
            return ok;
        }

        synchronized List<String> failures() {
            return List.copyOf(failures);
        }
    }

    /**
     * Runs the whole scenario, printing to {@code out}.
     *
     * @param terminal whether {@code out} is a terminal, where progress lines are redrawn in place
     */
    static Outcome run(PrintStream out, boolean terminal) throws Exception {
        Expectations expect = new Expectations();
        List<DeploymentStatus> finished = new ArrayList<>();
        Path work = Files.createTempDirectory("scaleplane-platform-sample-");
        try (SimulatedFleet simulation = Sites.simulate()) {
            Path kubeconfig = simulation.writeKubeconfig(work.resolve("kubeconfig"));
            Path store = work.resolve("store");
            Optional<String> prometheus = prometheusUrl();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("scaleplane.events.provider", "memory");
            settings.put("scaleplane.store.provider", "file");
            settings.put("scaleplane.store.file.directory", store.toString());
            settings.put("scaleplane.tasks.provider", "memory");
            // Deployment outcomes reach the store, where the SLOs' event SLIs count them.
            settings.put("scaleplane.store.record-topics", Deployments.TOPIC);
            settings.put("scaleplane.deployments.tick", "50ms");
            settings.putAll(FLEET_SETTINGS);
            prometheus.ifPresent(url -> {
                settings.put("scaleplane.adapters.prometheus.type", "prometheus");
                settings.put("scaleplane.adapters.prometheus.base-url", url);
            });
            out.println("Scaleplane platform sample: four services, six simulated EU clusters, one control plane.");
            out.printf(
                    "Platform: in-memory bus and task queue, file event store %s, SLIs from the platform's own events%s%n",
                    store,
                    prometheus.map(u -> " and Prometheus " + u).orElse(" (set " + PROMETHEUS_ENV + " for Prometheus)"));
            try (ScaleplanePlatform platform = Scaleplane.builder()
                    .config(ScaleplaneProperties.of(settings))
                    .taskQueueOptions(TaskQueueOptions.builder()
                            .retryPolicy(KubernetesFederationProvider.APPLY_TASK, APPLY_RETRIES)
                            .build())
                    .build()) {
                Fleet fleet = platform.federation();
                Sites.register(fleet, kubeconfig);
                expect.expect(
                        await(STEP_TIMEOUT, () -> fleet.snapshot().clusters().stream()
                                .allMatch(c -> c.health() == ClusterHealth.READY)),
                        () -> "every cluster Ready within " + STEP_TIMEOUT.toSeconds() + " s, but: " + health(fleet));
                out.println("Fleet (simulated API servers on 127.0.0.1, residency EU; -2 clusters are standbys"
                        + " tainted PreferNoSchedule):");
                for (Sites.Site s : Sites.SITES) {
                    out.printf(
                            "  %-6s %-10s %-8s %s%n",
                            s.cluster(),
                            s.region(),
                            s.standby() ? "standby" : "primary",
                            simulation.cluster(s.cluster()).url());
                }
                platform.slos().define(Shop.PAYMENTS_SLO);
                platform.slos().define(Shop.CHECKOUT_SLO);
                prometheus.ifPresent(url -> platform.slos().define(Shop.prometheusSlo()));
                Deployments deployments = platform.deployments();
                Shop.applications().forEach(deployments::define);
                // Smoke tests record a result for every cluster a version becomes ready on; the analysis reads them.
                SmokeTests smoke = SmokeTests.start(platform, simulation);
                try (smoke;
                        LiveProgress progress = LiveProgress.start(out, terminal, deployments, platform.events())) {
                    Scenario scenario = new Scenario(platform, simulation, deployments, progress, expect);
                    try {
                        if (prometheus.isEmpty() || prometheusReadable(platform, prometheus.get(), expect)) {
                            scenario.run();
                        }
                    } catch (RuntimeException | TimeoutException | ExecutionException e) {
                        expect.expect(false, () -> "the scenario ran to its end, but it threw " + e);
                        e.printStackTrace(out);
                    } finally {
                        for (String c : Sites.clustersOf(Sites.PARIS)) {
                            simulation.cluster(c).heal();
                        }
                    }
                    finished.addAll(scenario.statuses());
                }
                out.println();
                out.println("== Deployments");
                out.print(Report.deployments(finished));
                out.println();
                out.println("== SLOs (platform.slos().evaluate())");
                List<SloStatus> slos = evaluateSlos(platform, out::println);
                out.print(Report.slos(slos, platform.slos()::frozen));
                out.println();
                out.println("== Scaling meters (platform.meterRegistry(), names in DeploymentMeters)");
                out.print(Report.meters(platform.meterRegistry()));
            }
        } finally {
            deleteRecursively(work);
        }
        Outcome outcome = new Outcome(List.copyOf(finished), expect.failures());
        out.println();
        out.println(
                outcome.ok()
                        ? "OK: every expectation met."
                        : "FAILED: " + outcome.failures().size()
                                + " expectation(s) not met (listed on standard error).");
        return outcome;
    }

    /** The steps of the scenario, in order; each checks its outcomes as it goes. */
    private static final class Scenario {
        private final ScaleplanePlatform platform;
        private final SimulatedFleet simulation;
        private final Deployments deployments;
        private final LiveProgress progress;
        private final Expectations expect;
        private final List<String> requested = new ArrayList<>();

        Scenario(
                ScaleplanePlatform platform,
                SimulatedFleet simulation,
                Deployments deployments,
                LiveProgress progress,
                Expectations expect) {
            this.platform = platform;
            this.simulation = simulation;
            this.deployments = deployments;
            this.progress = progress;
            this.expect = expect;
        }

        void run() throws Exception {
            stream();
            badVersionAndBurnedBudget();
            emergencyFix();
            parisPartition();
        }

        /** Every requested deployment's status, in request order. */
        List<DeploymentStatus> statuses() {
            return requested.stream()
                    .map(deployments::status)
                    .flatMap(Optional::stream)
                    .toList();
        }

        /** 1. A stream of requests: each rolls out canary first, then by region; all complete. */
        private void stream() throws Exception {
            say("== 1. A stream of deployment requests: canary (ams-1), then one wave per region, a "
                    + Shop.SOAK.toMillis() + " ms soak and a smoke-test analysis between waves");
            List<String> ids = List.of(
                    request(Shop.CHECKOUT, "1.0.0"),
                    request(Shop.SEARCH, "1.0.0"),
                    request(Shop.PAYMENTS, "1.0.0"),
                    request(Shop.PROFILE, "1.0.0"),
                    request(Shop.CHECKOUT, "1.1.0"),
                    request(Shop.SEARCH, "1.1.0"));
            for (String id : ids) {
                DeploymentStatus s = finish(id);
                if (!expectPhase(s, DeploymentPhase.COMPLETED)) {
                    continue;
                }
                List<String> order =
                        s.clusters().stream().map(ClusterRollout::cluster).toList();
                expect.expect(
                        order.equals(PRIMARIES),
                        () -> id + " placed on the primaries " + PRIMARIES + " in that order, but on " + order);
                expect.expect(
                        s.waves() == 3
                                && s.clusters().stream()
                                        .map(ClusterRollout::wave)
                                        .toList()
                                        .equals(List.of(0, 1, 2)),
                        () -> id + " rolled out in 3 waves (canary, then a region each), but: " + s.clusters());
                expectSteps(id, List.of("wave-ready", "analysis-completed", "wave-completed", "completed"));
            }
            for (String service : List.of(Shop.CHECKOUT, Shop.SEARCH, Shop.PAYMENTS, Shop.PROFILE)) {
                String version = service.equals(Shop.CHECKOUT) || service.equals(Shop.SEARCH) ? "1.1.0" : "1.0.0";
                expectImages(service, version, PRIMARIES);
            }
        }

        /**
         * 2. Search 1.2.0 carries a regression its smoke test finds: the analysis after the canary fails and only the
         * canary is rolled back. Meanwhile payments 1.1.0-fail never becomes ready and fails too, spending payments'
         * deployment error budget.
         */
        private void badVersionAndBurnedBudget() throws Exception {
            say("");
            say("== 2. search 1.2.0 (a regression: " + Shop.regression(Shop.SEARCH, "1.2.0")
                    + ") and payments 1.1.0-fail (never ready)");
            String search = request(Shop.SEARCH, "1.2.0");
            String payments = request(Shop.PAYMENTS, "1.1.0-fail");

            DeploymentStatus s = finish(search);
            say("   " + search + ": " + s.phase() + ", " + s.reason());
            if (expectPhase(s, DeploymentPhase.FAILED)) {
                expectReason(s, "analysis after wave 0 FAILED");
                expectOnlyCanaryRolledBack(s, "1.1.0");
                expectSteps(search, List.of("analysis-completed", "rollback-started", "cluster-rolled-back", "failed"));
            }
            expectImages(Shop.SEARCH, "1.1.0", PRIMARIES);

            DeploymentStatus p = finish(payments);
            say("   " + payments + ": " + p.phase() + ", " + p.reason());
            if (expectPhase(p, DeploymentPhase.FAILED)) {
                expectReason(p, "not ready within the progress deadline");
                expectOnlyCanaryRolledBack(p, "1.0.0");
            }
            expectImages(Shop.PAYMENTS, "1.0.0", PRIMARIES);
        }

        /** 3. Payments is frozen: a plain request is refused, an emergency fix goes through and is recorded. */
        private void emergencyFix() throws Exception {
            say("");
            say("== 3. payments burned its error budget (SLO " + Shop.PAYMENTS_SLO.name() + ", objective "
                    + Shop.PAYMENTS_SLO.objective() + ")");
            AtomicBoolean reported = new AtomicBoolean();
            boolean frozen = await(STEP_TIMEOUT, () -> {
                // Once: a configured Prometheus that does not answer would fail every evaluation of this loop.
                evaluateSlos(platform, m -> {
                    if (reported.compareAndSet(false, true)) {
                        say(m);
                    }
                });
                return platform.slos().frozen(Shop.PAYMENTS);
            });
            expect.expect(
                    frozen,
                    () -> "payments frozen by its error-budget policy, but it is not: "
                            + platform.slos().status(Shop.PAYMENTS));
            platform.slos()
                    .status(Shop.PAYMENTS)
                    .forEach(st -> say(String.format(
                            java.util.Locale.ROOT,
                            "   %s: %.0f of %.0f deployments succeeded, budget remaining %.0f%% -> frozen: %s",
                            st.slo(),
                            st.budget().good(),
                            st.budget().total(),
                            st.budget().remaining() * 100,
                            platform.slos().frozen(Shop.PAYMENTS))));

            String refused = request(Shop.PAYMENTS, "1.1.1");
            DeploymentStatus r = finish(refused);
            say("   " + refused + ": " + r.phase() + ", " + r.reason());
            if (expectPhase(r, DeploymentPhase.REFUSED)) {
                expectReason(r, "refused by the error-budget policy");
                expect.expect(r.clusters().isEmpty(), () -> refused + " changed no cluster, but: " + r.clusters());
            }

            String fix = "payments-1.1.1-emergency";
            deployments.request(DeploymentRequest.of(fix, Shop.PAYMENTS, "1.1.1", CI)
                    .flagged(FreezeFlag.EMERGENCY, ONCALL, "payment timeouts in checkout"));
            requested.add(fix);
            say("   " + fix + " requested, flagged EMERGENCY by " + ONCALL);
            DeploymentStatus f = finish(fix);
            say("   " + fix + ": " + f.phase());
            expectPhase(f, DeploymentPhase.COMPLETED);
            Map<?, ?> admitted = stepData(fix, "admitted").orElse(Map.of());
            expect.expect(
                    "EMERGENCY".equals(admitted.get("flag")) && ONCALL.equals(admitted.get("flaggedBy")),
                    () -> fix + " admitted with flag EMERGENCY by " + ONCALL + " recorded, but: " + admitted);
            say("   recorded in " + Deployments.stream(fix) + ": admitted " + admitted);
            expectImages(Shop.PAYMENTS, "1.1.1", PRIMARIES);
        }

        /**
         * 4. Profile's team gates releases by hand: profile 1.1.0 bakes on its canary until promoted. Paris is
         * partitioned meanwhile; once the fleet has marked both Paris clusters down, a new checkout is requested and
         * profile is promoted. Profile's Paris cluster, not reached yet, is replaced within the residency; checkout
         * is placed without Paris.
         */
        private void parisPartition() throws Exception {
            say("");
            say("== 4. Paris partitioned mid-run");
            deployments.define(Shop.application(Shop.PROFILE, Shop.manualGate()));
            String profile = request(Shop.PROFILE, "1.1.0");
            boolean baking = await(STEP_TIMEOUT, () -> deployments
                    .status(profile)
                    .map(st -> st.phase() == DeploymentPhase.PROGRESSING
                            && st.clusters().stream()
                                    .filter(c -> c.wave() == 0)
                                    .allMatch(c -> c.state() == ClusterRolloutState.READY)
                            && st.clustersReady() == 1)
                    .orElse(false));
            expect.expect(baking, () -> profile + "'s canary ready and baking, but: " + deployments.status(profile));
            say("   " + profile + ": canary ready, baking for " + Shop.MANUAL_BAKE.toMinutes()
                    + " min before Paris; partitioning " + Sites.clustersOf(Sites.PARIS));
            Fleet fleet = platform.federation();
            for (String c : Sites.clustersOf(Sites.PARIS)) {
                simulation.cluster(c).partition();
            }
            boolean down = await(
                    STEP_TIMEOUT, () -> Sites.clustersOf(Sites.PARIS).stream().allMatch(c -> fleet.cluster(c)
                            .map(st -> st.health() != ClusterHealth.READY)
                            .orElse(false)));
            expect.expect(down, () -> "the fleet marks Paris down, but: " + health(fleet));
            say("   fleet health: " + health(fleet));

            String checkout = request(Shop.CHECKOUT, "1.2.0");
            deployments.promote(profile, RELEASE_MANAGER);
            say("   " + profile + " promoted by " + RELEASE_MANAGER);

            DeploymentStatus p = finish(profile);
            say("   " + profile + ": " + p.phase() + ", clusters " + Report.clusters(p));
            if (expectPhase(p, DeploymentPhase.COMPLETED)) {
                ClusterRollout paris = p.clusters().stream()
                        .filter(c -> c.cluster().equals("par-1"))
                        .findFirst()
                        .orElse(null);
                expect.expect(
                        paris != null && paris.state() == ClusterRolloutState.REPLACED,
                        () -> profile + "'s par-1 REPLACED, but: " + p.clusters());
                List<ClusterRollout> replacements = p.clusters().stream()
                        .filter(c -> paris != null && c.wave() == paris.wave() && c != paris)
                        .toList();
                expect.expect(
                        replacements.size() == 1
                                && replacements.get(0).state() == ClusterRolloutState.READY
                                && Sites.site(replacements.get(0).cluster())
                                        .map(site -> !site.region().equals(Sites.PARIS))
                                        .orElse(false),
                        () -> profile + "'s Paris wave READY on one EU cluster outside Paris, but: " + p.clusters());
                Map<?, ?> replaced = stepData(profile, "cluster-replaced").orElse(Map.of());
                say("   recorded in " + Deployments.stream(profile) + ": cluster-replaced " + replaced.get("cluster")
                        + " by " + replaced.get("by") + " (" + replaced.get("reason") + ")");
                expect.expect(
                        "par-1".equals(replaced.get("cluster"))
                                && replacements.stream()
                                        .anyMatch(c -> c.cluster().equals(replaced.get("by"))),
                        () -> profile + " records cluster-replaced par-1 by its replacement, but: " + replaced);
                List<String> used = p.clusters().stream()
                        .filter(c -> c.state() == ClusterRolloutState.READY)
                        .map(ClusterRollout::cluster)
                        .toList();
                expectImages(Shop.PROFILE, "1.1.0", used);
            }

            DeploymentStatus c = finish(checkout);
            say("   " + checkout + ": " + c.phase() + ", clusters " + Report.clusters(c));
            if (expectPhase(c, DeploymentPhase.COMPLETED)) {
                List<String> used =
                        c.clusters().stream().map(ClusterRollout::cluster).toList();
                expect.expect(
                        used.size() == 3
                                && used.stream().allMatch(x -> Sites.site(x)
                                        .map(site -> !site.region().equals(Sites.PARIS))
                                        .orElse(false)),
                        () -> checkout + " placed on three EU clusters outside Paris, but on " + used);
                expectImages(Shop.CHECKOUT, "1.2.0", used);
            }

            for (String cluster : Sites.clustersOf(Sites.PARIS)) {
                simulation.cluster(cluster).heal();
            }
            boolean back = await(
                    STEP_TIMEOUT, () -> Sites.clustersOf(Sites.PARIS).stream().allMatch(x -> fleet.cluster(x)
                            .map(st -> st.health() == ClusterHealth.READY)
                            .orElse(false)));
            expect.expect(back, () -> "Paris Ready again once healed, but: " + health(fleet));
            say("   Paris healed; fleet health: " + health(fleet));
        }

        // ---- helpers ----

        private String request(String service, String version) {
            String id = service + "-" + version;
            deployments.request(DeploymentRequest.of(id, service, version, CI));
            requested.add(id);
            say("   " + progress.elapsed() + " requested " + id);
            return id;
        }

        private DeploymentStatus finish(String id) throws Exception {
            return deployments.whenFinished(id).get(STEP_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        }

        private boolean expectPhase(DeploymentStatus s, DeploymentPhase phase) {
            return expect.expect(
                    s.phase() == phase,
                    () -> s.deploymentId() + " " + phase + ", but " + s.phase()
                            + (s.reason() == null ? "" : " (" + s.reason() + ")") + ": " + s.clusters());
        }

        /** The deployment's reason says {@code fragment}. */
        private void expectReason(DeploymentStatus s, String fragment) {
            expect.expect(
                    s.reason() != null && s.reason().contains(fragment),
                    () -> s.deploymentId() + "'s reason says '" + fragment + "', but it is: " + s.reason());
        }

        /** The canary (wave 0) rolled back to {@code previous}, every later wave untouched. */
        private void expectOnlyCanaryRolledBack(DeploymentStatus s, String previous) {
            List<ClusterRollout> canary =
                    s.clusters().stream().filter(c -> c.wave() == 0).toList();
            expect.expect(
                    canary.size() == 1
                            && canary.get(0).state() == ClusterRolloutState.ROLLED_BACK
                            && previous.equals(canary.get(0).previousVersion()),
                    () -> s.deploymentId() + "'s canary rolled back to " + previous + ", but: " + canary);
            expect.expect(
                    s.clusters().stream()
                            .filter(c -> c.wave() > 0)
                            .allMatch(c -> c.state() == ClusterRolloutState.PENDING),
                    () -> s.deploymentId() + " changed nothing after its canary, but: " + s.clusters());
        }

        /** The deployment's stream holds {@code kinds} in this order (others may come between). */
        private void expectSteps(String id, List<String> kinds) {
            List<String> steps = steps(id);
            int at = 0;
            for (String step : steps) {
                if (at < kinds.size() && step.equals(kinds.get(at))) {
                    at++;
                }
            }
            int matched = at;
            expect.expect(
                    matched == kinds.size(), () -> Deployments.stream(id) + " records " + kinds + ", but: " + steps);
        }

        /**
         * Each of {@code clusters}' own API server runs {@code version} of {@code service} (a rollback reaches it
         * asynchronously, hence the wait), and no other cluster runs it.
         */
        private void expectImages(String service, String version, List<String> clusters) throws InterruptedException {
            String image = Shop.image(service, version);
            boolean ok = await(Duration.ofSeconds(10), () -> clusters.stream()
                    .allMatch(c -> image.equals(Sites.imageOn(simulation, c, service))));
            expect.expect(ok, () -> service + " runs " + version + " on " + clusters + ", but: " + images(service));
        }

        private Map<String, String> images(String service) {
            Map<String, String> images = new LinkedHashMap<>();
            for (Sites.Site s : Sites.SITES) {
                if (!simulation.cluster(s.cluster()).isPartitioned()) {
                    images.put(s.cluster(), String.valueOf(Sites.imageOn(simulation, s.cluster(), service)));
                }
            }
            return images;
        }

        /** The step kinds the deployment's stream records, in order. */
        private List<String> steps(String id) {
            return records(id)
                    .map(r -> r.event().type().substring(r.event().type().lastIndexOf('.') + 1))
                    .toList();
        }

        /** The data of the first recorded step of {@code kind}. */
        private Optional<Map<?, ?>> stepData(String id, String kind) {
            return records(id)
                    .filter(r -> r.event().type().endsWith("." + kind))
                    .<Map<?, ?>>map(r -> (Map<?, ?>) r.event().data())
                    .findFirst();
        }

        private Stream<RecordedEvent> records(String id) {
            return platform.store().readStream(Deployments.stream(id), ReadDirection.FORWARD, 0, 10_000).stream();
        }

        private void say(String text) {
            progress.say(text);
        }
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Evaluates every SLO. An SLI that cannot be read (a configured Prometheus that does not answer) is reported to
     * {@code report} and the run goes on: the other SLOs were evaluated and applied all the same.
     *
     * @return the latest status of every SLO evaluated at least once
     */
    static List<SloStatus> evaluateSlos(ScaleplanePlatform platform, Consumer<String> report) {
        try {
            return platform.slos().evaluate();
        } catch (ScaleplaneException e) {
            report.accept("   SLO evaluation: " + e.getMessage());
            return platform.slos().definitions().stream()
                    .map(SloDefinition::service)
                    .distinct()
                    .flatMap(service -> platform.slos().status(service).stream())
                    .toList();
        }
    }

    /**
     * Whether the Prometheus SLO can be read. The error-budget guard fails closed: a service whose SLI cannot be read
     * is not admitted (its deployments wait), so the run stops here, saying why, rather than waiting for checkout.
     */
    private static boolean prometheusReadable(ScaleplanePlatform platform, String url, Expectations expect) {
        try {
            platform.slos().evaluate();
            return true;
        } catch (ScaleplaneException e) {
            return expect.expect(
                    false,
                    () -> "SLO checkout-availability readable from Prometheus at " + url
                            + " (checkout's deployments wait at the error-budget guard until it is), but: "
                            + e.getMessage());
        }
    }

    private static String health(Fleet fleet) {
        StringBuilder sb = new StringBuilder();
        fleet.snapshot().clusters().stream()
                .sorted(Comparator.comparing(c -> c.name()))
                .forEach(c -> sb.append(c.name()).append('=').append(c.health()).append(' '));
        return sb.toString().trim();
    }

    /** The Prometheus server's URL, from the environment or a system property; empty when not configured. */
    static Optional<String> prometheusUrl() {
        String url = System.getProperty(PROMETHEUS_PROPERTY, System.getenv(PROMETHEUS_ENV));
        return Optional.ofNullable(url).map(String::trim).filter(u -> !u.isEmpty());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
