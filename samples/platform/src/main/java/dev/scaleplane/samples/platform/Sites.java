package dev.scaleplane.samples.platform;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sample's fleet: Amsterdam, Paris and Warsaw, two clusters each, all of residency EU. In each city the first
 * cluster is the primary and the second a standby, tainted {@code PreferNoSchedule} so that placement uses it only
 * when it must (the primaries rank first; a lost primary is replaced by a standby).
 */
final class Sites {
    /**
     * One cluster.
     *
     * @param cluster its name, also its kubeconfig context
     * @param region its city
     * @param standby whether it is its city's standby
     */
    record Site(String cluster, String region, boolean standby) {}

    /** Every cluster's residency zone. */
    static final String RESIDENCY = "EU";

    /** The region the sample partitions. */
    static final String PARIS = "paris";

    static final List<Site> SITES = List.of(
            new Site("ams-1", "amsterdam", false),
            new Site("ams-2", "amsterdam", true),
            new Site("par-1", PARIS, false),
            new Site("par-2", PARIS, true),
            new Site("waw-1", "warsaw", false),
            new Site("waw-2", "warsaw", true));

    /** The taint of the standby clusters. */
    static final Taint STANDBY = Taint.of("shop.example.com/standby", Taint.Effect.PREFER_NO_SCHEDULE);

    /**
     * How long a simulated Deployment takes to become ready after a change: the simulated controller's delay, short
     * so that the whole scenario runs in well under a minute.
     */
    static final Duration CONTROLLER_DELAY = Duration.ofMillis(100);

    private Sites() {}

    /** Starts the simulated API servers, one per site, each with three Nodes. */
    static SimulatedFleet simulate() {
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(CONTROLLER_DELAY);
        for (Site site : SITES) {
            b.cluster(site.cluster(), c -> c.nodes(3).nodeCapacity("8", "32Gi", 110));
        }
        return b.start();
    }

    /** Registers every site by its kubeconfig context, as real clusters are. */
    static void register(Fleet fleet, Path kubeconfig) {
        for (Site site : SITES) {
            ClusterSpec.Builder spec = ClusterSpec.builder(site.cluster())
                    .region(site.region())
                    .residency(RESIDENCY)
                    .label("role", site.standby() ? "standby" : "primary")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, site.cluster()));
            if (site.standby()) {
                spec.taint(STANDBY);
            }
            fleet.register(spec.build());
        }
    }

    /** The cluster's site. */
    static Optional<Site> site(String cluster) {
        return SITES.stream().filter(s -> s.cluster().equals(cluster)).findFirst();
    }

    /** The clusters of {@code region}. */
    static List<String> clustersOf(String region) {
        return SITES.stream()
                .filter(s -> s.region().equals(region))
                .map(Site::cluster)
                .toList();
    }

    /** The image {@code service}'s Deployment runs on {@code cluster}, read from its own API server; null if none. */
    static String imageOn(SimulatedFleet simulation, String cluster, String service) {
        Deployment d = simulation
                .cluster(cluster)
                .client()
                .apps()
                .deployments()
                .inNamespace(Shop.NAMESPACE)
                .withName(service)
                .get();
        return d == null
                ? null
                : d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
