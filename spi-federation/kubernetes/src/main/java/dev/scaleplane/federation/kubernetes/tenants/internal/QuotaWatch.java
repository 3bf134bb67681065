package dev.scaleplane.federation.kubernetes.tenants.internal;

import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.tenants.Quantities;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The quota watch: per cluster, one informer on the ResourceQuotas that carry {@link Tenants#TENANT_LABEL}, in every
 * namespace (a watch, not polling). Each time a quota's {@code status} changes, every resource whose {@code used}
 * reaches the tenant's {@code quotaAlertShare} of {@code hard} ({@code status.hard}, else {@code spec.hard}) is
 * reported once; the resource is armed again only when its usage drops below that share, so a quota that stays full
 * is reported once per crossing, not once per update.
 *
 * <p>Kubernetes' quota controller writes {@code status.used}; a simulated cluster has none, so in tests and samples
 * the simulation's code writes it.
 *
 * <p>The per-cluster seam: {@link #start(String)} and {@link #stop(String)}. By default the tenants facade starts the
 * watch on every cluster it places a tenant on ({@link #autoStart()}); a process that shares the fleet with other
 * replicas turns that off with {@link #autoStart(boolean)} and starts and stops the watch of the clusters it owns, so
 * each cluster's quotas are watched, and reported, by one replica.
 *
 * <p>Thread-safe.
 */
public final class QuotaWatch implements AutoCloseable {
    private final Function<String, @Nullable KubernetesClient> clients;
    private final ToDoubleFunction<String> shareOfTenant;
    private final BiConsumer<String, ResourceQuotaExceeded> report;
    private final RateLimitedLog failures;
    private final Map<String, SharedIndexInformer<ResourceQuota>> informers = new ConcurrentHashMap<>();
    /** cluster/namespace/resource keys whose usage is at or past the share: reported, not armed. */
    private final Set<String> crossed = ConcurrentHashMap.newKeySet();

    private volatile boolean autoStart = true;

    /**
     * Creates the watch.
     *
     * @param clients the fabric8 client of a registered cluster, null when unknown
     * @param shareOfTenant the alert share of a tenant (its spec's {@code quotaAlertShare}), by tenant name
     * @param report called with the tenant and the event at each crossing, on an informer thread
     */
    QuotaWatch(
            Function<String, @Nullable KubernetesClient> clients,
            ToDoubleFunction<String> shareOfTenant,
            BiConsumer<String, ResourceQuotaExceeded> report,
            RateLimitedLog failures) {
        this.clients = clients;
        this.shareOfTenant = shareOfTenant;
        this.report = report;
        this.failures = failures;
    }

    /** Whether the tenants facade starts the watch on the clusters it places tenants on (default true). */
    public boolean autoStart() {
        return autoStart;
    }

    /** Turns automatic starts on or off; watches already running keep running. */
    public void autoStart(boolean on) {
        this.autoStart = on;
    }

    /**
     * Starts watching the tenants' quotas of {@code cluster}; does nothing if it is watched already or not
     * registered. Returns without waiting for the first list (an unreachable cluster must not block the caller).
     */
    public void start(String cluster) {
        KubernetesClient client = clients.apply(cluster);
        if (client == null) {
            return;
        }
        informers.computeIfAbsent(cluster, c -> inform(c, client));
    }

    /** Stops watching {@code cluster}; its crossings are forgotten, so a later {@link #start} reports afresh. */
    public void stop(String cluster) {
        SharedIndexInformer<ResourceQuota> informer = informers.remove(cluster);
        if (informer != null) {
            informer.close();
        }
        crossed.removeIf(k -> k.startsWith(cluster + "/"));
    }

    /** Whether {@code cluster} is watched and its watch has listed the quotas once (so it sees every later change). */
    public boolean synced(String cluster) {
        SharedIndexInformer<ResourceQuota> informer = informers.get(cluster);
        return informer != null && informer.hasSynced();
    }

    /** The clusters watched now. */
    public Set<String> watched() {
        return Set.copyOf(informers.keySet());
    }

    private SharedIndexInformer<ResourceQuota> inform(String cluster, KubernetesClient client) {
        SharedIndexInformer<ResourceQuota> informer = client.resourceQuotas()
                .inAnyNamespace()
                .withLabel(Tenants.TENANT_LABEL)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                observed(cluster, q);
            }

            @Override
            public void onUpdate(ResourceQuota old, ResourceQuota q) {
                observed(cluster, q);
            }

            @Override
            public void onDelete(ResourceQuota q, boolean finalStateUnknown) {
                String prefix = cluster + "/" + q.getMetadata().getNamespace() + "/";
                crossed.removeIf(k -> k.startsWith(prefix));
            }
        });
        informer.exceptionHandler((started, failure) -> {
            failures.warn(
                    "quota-watch-" + cluster,
                    "cluster {}: quota watch failed, retrying: {}",
                    cluster,
                    String.valueOf(failure));
            return true;
        });
        informer.start();
        return informer;
    }

    private void observed(String cluster, ResourceQuota q) {
        String tenant = q.getMetadata().getLabels().get(Tenants.TENANT_LABEL);
        if (tenant == null || q.getStatus() == null || q.getStatus().getUsed() == null) {
            return;
        }
        double share = shareOfTenant.applyAsDouble(tenant);
        Map<String, Quantity> hard =
                q.getStatus().getHard() != null && !q.getStatus().getHard().isEmpty()
                        ? q.getStatus().getHard()
                        : q.getSpec() == null ? Map.of() : q.getSpec().getHard();
        String namespace = q.getMetadata().getNamespace();
        for (Map.Entry<String, Quantity> used : q.getStatus().getUsed().entrySet()) {
            Quantity limit = hard == null ? null : hard.get(used.getKey());
            if (limit == null) {
                continue;
            }
            String key = cluster + "/" + namespace + "/" + used.getKey();
            boolean over;
            try {
                BigDecimal u = Quantities.parse("status.used." + used.getKey(), text(used.getValue()));
                BigDecimal h = Quantities.parse("status.hard." + used.getKey(), text(limit));
                over = u.compareTo(h.multiply(BigDecimal.valueOf(share))) >= 0;
            } catch (RuntimeException e) {
                failures.warn(
                        "quota-parse-" + cluster,
                        "cluster {}: quota {} of {}: {}",
                        cluster,
                        key,
                        tenant,
                        e.getMessage());
                continue;
            }
            if (!over) {
                crossed.remove(key);
            } else if (crossed.add(key)) {
                report.accept(
                        tenant,
                        new ResourceQuotaExceeded(
                                cluster, namespace, used.getKey(), text(used.getValue()), text(limit)));
            }
        }
    }

    /** The quantity as the API server wrote it, {@code 8Gi}. */
    private static String text(Quantity q) {
        return q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
    }

    @Override
    public void close() {
        for (String cluster : Set.copyOf(informers.keySet())) {
            stop(cluster);
        }
    }
}
