package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.adapters.kubernetes.internal.KubernetesSecretsAdapter;
import dev.scaleplane.adapters.kubernetes.internal.KubernetesSecretsSettings;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;

/**
 * Kubernetes Secrets of one cluster, system {@value #NAME}, through fabric8 kubernetes-client (API {@code core/v1}
 * Secret, kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1). A name is {@code
 * namespace/name}; the fields are the Secret's {@code data}, base64-decoded as UTF-8 text; the version is the
 * Secret's {@code metadata.resourceVersion}. Settings: see {@link dev.scaleplane.adapters.kubernetes}.
 *
 * <ul>
 *   <li>{@code get}: {@code GET /api/v1/namespaces/{ns}/secrets/{name}}; a 404 is {@code AdapterNotFoundException}.
 *       Only the latest data exists: a pinned version or a stage is refused ({@code UnsupportedOperationException}
 *       naming VERSIONS or STAGES). A field whose bytes are not UTF-8, or blank, cannot be a {@code Secret} and is
 *       left out (its name is logged at DEBUG).
 *   <li>{@code list(namespace)}: {@code GET /api/v1/namespaces/{ns}/secrets?limit=<page-size>}, following {@code
 *       metadata.continue} lazily, as {@code namespace/name}.
 *   <li>{@code put}: {@code GET} then {@code POST /api/v1/namespaces/{ns}/secrets} (a new {@code Opaque} Secret) or
 *       {@code PUT .../secrets/{name}} with the resourceVersion just read (the data replaced; type, labels and
 *       annotations kept), again on a 409 from a concurrent writer (up to 5 times). Returns the new resourceVersion.
 *   <li>{@code watch}: one informer per name ({@code GET .../secrets?fieldSelector=metadata.name=<name>}, then
 *       {@code watch=true} from its resourceVersion, re-listed after a dropped watch or a 410). A rotation is a new
 *       resourceVersion whose data changed: label, annotation or type changes alone are not reported, nor is a
 *       deletion. The poll interval is not used: the API server pushes.
 * </ul>
 *
 * Errors: 401/403 {@code AdapterAuthenticationException}, 404/410 {@code AdapterNotFoundException}, 400/409/422
 * {@code AdapterRequestRefusedException}, 429 {@code AdapterRateLimitedException}, 5xx and no answer {@code
 * AdapterUnavailableException}, each with the API server's {@code Status} message (values redacted). fabric8 retries
 * a request {@code max-attempts - 1} times with exponential backoff. fabric8's TRACE body logging is removed from
 * the client, so no Secret data reaches a log at any level.
 */
public final class KubernetesSecretsProvider implements SecretsAdapterProvider {

    /** The system name, and the value of {@code scaleplane.adapters.<instance>.type}. */
    public static final String NAME = KubernetesSecretsAdapter.SYSTEM;

    /** Creates the provider; stateless. */
    public KubernetesSecretsProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    /** WRITE, LIST and WATCH; no VERSIONS (a Secret keeps only its latest data) and no STAGES. */
    @Override
    public Set<SecretsCapability> capabilities() {
        return KubernetesSecretsAdapter.CAPABILITIES;
    }

    /** Checks the keys of {@code instance} without reading the kubeconfig or connecting. */
    @Override
    public void validate(String instance, ConfigProperties config) {
        KubernetesSecretsSettings.read(instance, config);
    }

    /**
     * Reads the kubeconfig (or the pod's service account) and builds the client; connects on first use.
     *
     * @throws dev.scaleplane.api.ConfigurationException naming the key when a setting is invalid, the kubeconfig
     *     cannot be read or its context is unknown
     */
    @Override
    public SecretsAdapter create(String instance, ProviderContext context) {
        KubernetesSecretsSettings settings = KubernetesSecretsSettings.read(instance, context.config());
        MeterRegistry meters = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        return new KubernetesSecretsAdapter(instance, settings.connect(), settings.pageSize(), context.clock(), meters);
    }
}
