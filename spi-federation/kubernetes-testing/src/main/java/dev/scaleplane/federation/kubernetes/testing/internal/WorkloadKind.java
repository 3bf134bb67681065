package dev.scaleplane.federation.kubernetes.testing.internal;

/** The {@code apps/v1} workload kinds whose status the simulated controller maintains. */
public enum WorkloadKind {
    /** {@code apps/v1} Deployment. */
    DEPLOYMENT("deployments"),
    /** {@code apps/v1} StatefulSet. */
    STATEFUL_SET("statefulsets");

    private final String plural;

    WorkloadKind(String plural) {
        this.plural = plural;
    }

    /**
     * The kind whose resource name is {@code plural}.
     *
     * @param plural {@code deployments} or {@code statefulsets}
     * @return the kind
     * @throws IllegalArgumentException for any other name
     */
    public static WorkloadKind ofPlural(String plural) {
        for (WorkloadKind kind : values()) {
            if (kind.plural.equals(plural)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("not a simulated workload resource: " + plural);
    }

    /** The API path that lists objects of this kind in all namespaces: {@code /apis/apps/v1/<plural>}. */
    public String listPath() {
        return "/apis/apps/v1/" + plural;
    }

    /**
     * The API path of one object of this kind.
     *
     * @param namespace the namespace
     * @param name the object's name
     * @return {@code /apis/apps/v1/namespaces/<namespace>/<plural>/<name>}
     */
    public String path(String namespace, String name) {
        return "/apis/apps/v1/namespaces/" + namespace + "/" + plural + "/" + name;
    }
}
