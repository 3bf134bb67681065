package dev.scaleplane.samples.orchestration;

import java.util.Objects;

/**
 * The payload of one task: roll one version of an application out to one cluster. A {@code DeploymentRequested} event
 * becomes one of these per target cluster.
 *
 * @param deploymentId the request's deployment id
 * @param application what is deployed
 * @param version which version
 * @param environment {@code dev}, {@code staging} or {@code prod}
 * @param cluster the target cluster, such as {@code ams-prod-1}
 */
record ClusterDeployment(String deploymentId, String application, String version, String environment, String cluster) {

    /** The task type every cluster deployment is submitted as. */
    static final String TASK_TYPE = "deploy.cluster";

    ClusterDeployment {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** The region of the target cluster, the value a worker's {@code region} label must have to deploy there. */
    String region() {
        return regionOf(cluster);
    }

    /** {@code deploymentId/cluster}: names the task in tables and is its idempotency key. */
    String key() {
        return deploymentId + "/" + cluster;
    }

    /**
     * The region of a cluster, from the site code its name starts with: {@code ams}, {@code par} and {@code waw} are
     * in {@code eu}, {@code iad} and {@code sfo} in {@code us}.
     *
     * @throws IllegalArgumentException for a site this platform does not have
     */
    static String regionOf(String cluster) {
        String site = cluster.substring(0, Math.max(0, cluster.indexOf('-')));
        return switch (site) {
            case "ams", "par", "waw" -> "eu";
            case "iad", "sfo" -> "us";
            default -> throw new IllegalArgumentException(
                    "cluster '" + cluster + "' is at unknown site '" + site + "'; known: ams, par, waw, iad, sfo");
        };
    }
}
