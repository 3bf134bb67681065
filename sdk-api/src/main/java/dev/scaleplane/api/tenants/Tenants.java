package dev.scaleplane.api.tenants;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tenant namespaces across the fleet, obtained from {@code platform.federation().tenants()}.
 *
 * <h2>The bundle</h2>
 *
 * {@link #provision(String, TenantSpec)} creates on every cluster the tenant's placement chooses (residency
 * respected) one bundle, applied in this order and removed in the reverse one:
 *
 * <ol>
 *   <li>Namespace {@code user-<name>}, labelled {@value #TENANT_LABEL}{@code =<name>} and
 *       {@value #OWNER_LABEL}{@code =<owner>};
 *   <li>ResourceQuota {@value #QUOTA_NAME} ({@link TenantQuota});
 *   <li>LimitRange {@value #LIMIT_RANGE_NAME} ({@link ContainerDefaults});
 *   <li>NetworkPolicies: {@value #DENY_ALL_POLICY} (every pod, ingress and egress), {@value #INGRESS_POLICY}
 *       (ingress from the same namespace and the platform namespaces), {@value #EGRESS_POLICY} (egress to the same
 *       namespace, the Kafka namespace on 9092 and 9093, the RabbitMQ namespace on 5672 and 15672, DNS in
 *       kube-system on 53 UDP and TCP, and HTTPS 443); no other namespace, tenant namespaces included, may reach it;
 *   <li>ServiceAccount {@value #SERVICE_ACCOUNT}, Role {@value #ROLE_NAME} (create, get, list, watch, update, patch
 *       and delete on pods, services, configmaps, secrets and {@code camel.apache.org} integrations) and RoleBinding
 *       {@value #ROLE_NAME} of the account to the role.
 * </ol>
 *
 * The bundle is one propagation of the fleet, id {@code user-<name>}, so it gets the fleet's machinery: tasks with
 * retries, status from watches, failover, and its record in the event store. It is all-or-nothing per cluster (a
 * refused apply is rolled back there; a transient failure is retried until the bundle is complete), drift is reported
 * in {@link #status(String)} and repaired, and {@link #update(String, TenantSpec)} rolls a new quota out to every
 * cluster.
 *
 * <h2>Events</h2>
 *
 * On topic {@value #TOPIC}: {@code NamespaceCreated} once per cluster when the bundle is first complete there; and,
 * from the quota watch (an informer on the tenants' ResourceQuotas of each cluster), {@code ResourceQuotaExceeded}
 * when {@code status.used} of a resource reaches {@link TenantSpec#quotaAlertShare()} of its {@code status.hard},
 * once per crossing (it is armed again when usage drops below). Both carry the tenant in the CloudEvents
 * {@code tenant} extension and the cluster in {@code cluster}.
 *
 * <p>Thread-safe.
 */
public interface Tenants {
    /** Prefix of every tenant namespace: {@value}. */
    String NAMESPACE_PREFIX = "user-";
    /** Label with the tenant's name, on the namespace and every object of the bundle. */
    String TENANT_LABEL = "scaleplane.dev/tenant";
    /** Label with the tenant's owner, on the namespace. */
    String OWNER_LABEL = "scaleplane.dev/owner";
    /** Name of the ResourceQuota. */
    String QUOTA_NAME = "tenant-quota";
    /** Name of the LimitRange. */
    String LIMIT_RANGE_NAME = "tenant-limits";
    /** Name of the NetworkPolicy that denies all traffic the others do not allow. */
    String DENY_ALL_POLICY = "tenant-deny-all";
    /** Name of the NetworkPolicy that allows ingress. */
    String INGRESS_POLICY = "tenant-allow-ingress";
    /** Name of the NetworkPolicy that allows egress. */
    String EGRESS_POLICY = "tenant-allow-egress";
    /** Name of the ServiceAccount. */
    String SERVICE_ACCOUNT = "user-sa";
    /** Name of the Role and of its RoleBinding. */
    String ROLE_NAME = "user-role";
    /** Bus topic of tenant events. */
    String TOPIC = "tenants";

    /**
     * Provisions a tenant: validates, places, and queues the bundle's apply on every chosen cluster. Returns once
     * queued; follow {@link #status(String)} or {@link #whenReady(String)}.
     *
     * @param name the tenant's name: a DNS label of at most 58 characters, since the namespace {@code user-<name>}
     *     must fit the 63 of a DNS label
     * @throws InvalidTenantException if the name is invalid or taken (by a tenant or any propagation with the id
     *     {@code user-<name>})
     * @throws TenantPlacementException if the placement selects no cluster; nothing is applied
     */
    Tenant provision(String name, TenantSpec spec);

    /**
     * Replaces a tenant's spec: every cluster gets the new bundle (a new quota rolls out fleet-wide); clusters the new
     * placement drops have the bundle removed once the others are ready.
     *
     * @throws InvalidTenantException if there is no such tenant
     * @throws TenantPlacementException if the new placement selects no cluster; nothing changes
     */
    Tenant update(String name, TenantSpec spec);

    /**
     * Removes the bundle from every cluster, namespace-scoped objects first and the namespace last. Completes when
     * every reachable cluster has done so; an unreachable one is retried as a task until it returns.
     *
     * @throws InvalidTenantException if there is no such tenant
     */
    CompletableFuture<Void> deprovision(String name);

    /** The tenant {@code name}, if provisioned. */
    Optional<Tenant> tenant(String name);

    /** Every tenant, sorted by name. */
    List<Tenant> list();

    /**
     * The tenant's status: per cluster, its state and drift.
     *
     * @throws InvalidTenantException if there is no such tenant
     */
    TenantStatus status(String name);

    /**
     * Completes with the status once the bundle is complete and as applied on every placed cluster; never fails on
     * its own (combine with {@code orTimeout}).
     *
     * @throws InvalidTenantException if there is no such tenant
     */
    CompletableFuture<TenantStatus> whenReady(String name);
}
