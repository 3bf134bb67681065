package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.adapters.kubernetes.internal.SecretName;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.PropagationRequest;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A secret to copy from a secrets adapter into the clusters a placement policy selects, as one Kubernetes Secret
 * ({@code Opaque}) per cluster. The {@link #id()} names the propagation: it is the value of {@value
 * #PROPAGATION_LABEL} on every copy, which is how copies are found again to update or remove them.
 *
 * <p>Every copy carries the labels {@value #PROPAGATION_LABEL}{@code =<id>} and {@code
 * app.kubernetes.io/managed-by=scaleplane}, and the annotations {@value #SOURCE_SYSTEM_ANNOTATION}, {@value
 * #SOURCE_ADAPTER_ANNOTATION}, {@value #SOURCE_NAME_ANNOTATION} and {@value #SOURCE_VERSION_ANNOTATION}. The source's
 * facts are annotations because a label value cannot hold them all (a Vault path has {@code /}, an AWS ARN is longer
 * than 63 characters).
 *
 * <p>Immutable; holds no secret value. Build with {@link #builder(String)}.
 */
public final class SecretPropagationRequest {

    /** Label carrying the propagation id on every copy. */
    public static final String PROPAGATION_LABEL = "secrets.scaleplane.dev/propagation";

    /** Label saying the copy is managed by Scaleplane ({@link PropagationRequest#MANAGED_BY_LABEL}). */
    public static final String MANAGED_BY_LABEL = PropagationRequest.MANAGED_BY_LABEL;

    /** Value of {@link #MANAGED_BY_LABEL}. */
    public static final String MANAGED_BY = PropagationRequest.MANAGED_BY;

    /** Annotation: the source's system, e.g. {@code vault}. */
    public static final String SOURCE_SYSTEM_ANNOTATION = "secrets.scaleplane.dev/source-system";

    /** Annotation: the source adapter instance, e.g. {@code vault-prod}. */
    public static final String SOURCE_ADAPTER_ANNOTATION = "secrets.scaleplane.dev/source-adapter";

    /** Annotation: the secret's name in the source. */
    public static final String SOURCE_NAME_ANNOTATION = "secrets.scaleplane.dev/source-name";

    /** Annotation: the source version the copy holds. */
    public static final String SOURCE_VERSION_ANNOTATION = "secrets.scaleplane.dev/source-version";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final String id;
    private final SecretsAdapter source;
    private final String sourceName;
    private final String targetNamespace;
    private final String targetName;
    private final PlacementPolicy placement;

    private SecretPropagationRequest(Builder b) {
        id = b.id;
        source = Objects.requireNonNull(b.source, () -> "propagation " + b.id + " needs source(adapter, name)");
        sourceName = Objects.requireNonNull(b.sourceName, "sourceName");
        targetNamespace = Objects.requireNonNull(
                b.targetNamespace, () -> "propagation " + b.id + " needs target(namespace, name)");
        targetName = Objects.requireNonNull(b.targetName, "targetName");
        placement = b.placement;
    }

    /**
     * A builder for the propagation {@code id}, a DNS label such as {@code payments-db}.
     *
     * @throws IllegalArgumentException if {@code id} is not a DNS label
     */
    public static Builder builder(String id) {
        Objects.requireNonNull(id, "id");
        if (!DNS_LABEL.matcher(id).matches()) {
            throw new IllegalArgumentException("a secret propagation id must be a DNS label (lower-case letters, digits"
                    + " and '-', at most 63 characters), but was '" + id + "'");
        }
        return new Builder(id);
    }

    /** A builder starting from this request (same id). */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.source = source;
        b.sourceName = sourceName;
        b.targetNamespace = targetNamespace;
        b.targetName = targetName;
        b.placement = placement;
        return b;
    }

    /** The propagation id. */
    public String id() {
        return id;
    }

    /** The adapter the secret is read from. */
    public SecretsAdapter source() {
        return source;
    }

    /** The secret's name in the source, as its adapter takes it. */
    public String sourceName() {
        return sourceName;
    }

    /** The namespace of every copy. */
    public String targetNamespace() {
        return targetNamespace;
    }

    /** The name of every copy. */
    public String targetName() {
        return targetName;
    }

    /** Where the copies go; its residency is never left, failover included. */
    public PlacementPolicy placement() {
        return placement;
    }

    /** Names only. */
    @Override
    public String toString() {
        return "SecretPropagationRequest{id=" + id + ", source=" + source.system() + "/" + source.name() + ":"
                + sourceName + ", target=" + targetNamespace + "/" + targetName + ", placement=" + placement + "}";
    }

    /** Builds a {@link SecretPropagationRequest}; setters validate and name the field. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private @Nullable SecretsAdapter source;
        private @Nullable String sourceName;
        private @Nullable String targetNamespace;
        private @Nullable String targetName;
        private PlacementPolicy placement = PlacementPolicy.builder().build();

        private Builder(String id) {
            this.id = id;
        }

        /** The adapter and the secret's name there. */
        public Builder source(SecretsAdapter adapter, String name) {
            this.source = Objects.requireNonNull(adapter, "adapter");
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("the source secret name must not be blank");
            }
            this.sourceName = name;
            return this;
        }

        /**
         * Where the copy lives in each cluster.
         *
         * @throws IllegalArgumentException if the namespace is not a DNS label or the name not a DNS subdomain
         */
        public Builder target(String namespace, String name) {
            this.targetNamespace = SecretName.namespace(namespace, "target namespace");
            this.targetName = SecretName.name(name, "target name");
            return this;
        }

        /** Where the copies go (default: every ready cluster). Give it a residency to keep the secret in a zone. */
        public Builder placement(PlacementPolicy placement) {
            this.placement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws NullPointerException naming what is missing (source or target)
         */
        public SecretPropagationRequest build() {
            return new SecretPropagationRequest(this);
        }
    }
}
