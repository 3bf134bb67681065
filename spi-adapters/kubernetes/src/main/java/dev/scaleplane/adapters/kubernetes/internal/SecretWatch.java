package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.adapters.secrets.SecretRotated;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation watch over named Secrets: one fabric8 informer per name (a list and watch selected by {@code
 * metadata.name}, so RBAC may grant {@code get/list/watch} on those names only), which re-lists and re-watches on its
 * own after a dropped connection or an expired resourceVersion.
 *
 * <p>A rotation is a new resourceVersion whose <em>data</em> differs from the data last seen: a change of labels,
 * annotations or type alone bumps the resourceVersion without rotating anything, so it is not reported. The first
 * object seen of each name is the baseline (not reported); a deletion is not reported, and a re-creation is reported
 * only if its data differs from the data before the deletion. {@link SecretRotated#previousVersion()} is the
 * resourceVersion of the data replaced (the baseline or the last reported version), not of a label-only change in
 * between.
 *
 * <p>Only a SHA-256 fingerprint of each Secret's data is kept. The listener runs on the informer's thread, one
 * event at a time per name.
 */
final class SecretWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretWatch.class);

    private final List<SharedIndexInformer<Secret>> informers = new ArrayList<>();

    private SecretWatch() {}

    /** Starts one informer per name; returns once each has listed its Secret, so the baseline is set. */
    static SecretWatch start(
            KubernetesClient client,
            String instance,
            List<SecretName> names,
            Consumer<? super SecretRotated> listener,
            Clock clock) {
        SecretWatch w = new SecretWatch();
        try {
            for (SecretName n : names) {
                // inform() returns once the initial list is in, and the handler has seen it.
                w.informers.add(client.secrets()
                        .inNamespace(n.namespace())
                        .withName(n.name())
                        .inform(new Handler(instance, n.toString(), listener, clock)));
            }
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }

    /** The state of one name: the version and data fingerprint last reported (or the baseline). */
    private static final class Handler implements ResourceEventHandler<Secret> {
        private final String instance;
        private final String name;
        private final Consumer<? super SecretRotated> listener;
        private final Clock clock;
        private @Nullable String version;
        private @Nullable String fingerprint;

        Handler(String instance, String name, Consumer<? super SecretRotated> listener, Clock clock) {
            this.instance = instance;
            this.name = name;
            this.listener = listener;
            this.clock = clock;
        }

        @Override
        public void onAdd(Secret s) {
            seen(s);
        }

        @Override
        public void onUpdate(Secret old, Secret s) {
            seen(s);
        }

        @Override
        public void onDelete(Secret s, boolean finalStateUnknown) {
            // Not a rotation; the fingerprint stays, so a re-creation with the same data is not one either.
        }

        private synchronized void seen(Secret s) {
            String rv = s.getMetadata().getResourceVersion();
            String fp = SecretData.fingerprint(s.getData());
            if (fingerprint == null) {
                version = rv;
                fingerprint = fp;
                return;
            }
            if (fingerprint.equals(fp)) {
                return; // labels, annotations or type only
            }
            SecretRotated r =
                    new SecretRotated(KubernetesSecretsAdapter.SYSTEM, instance, name, rv, version, clock.instant());
            version = rv;
            fingerprint = fp;
            try {
                listener.accept(r);
            } catch (RuntimeException e) {
                log.warn("secret {}: the rotation listener failed on version {}: {}", name, rv, e.toString());
            }
        }
    }
}
