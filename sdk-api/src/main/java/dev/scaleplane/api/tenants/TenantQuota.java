package dev.scaleplane.api.tenants;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ResourceQuota of a tenant's namespace, the same on every cluster: compute requests and limits, and object
 * counts. Each value has a default and can be overridden; quantities are validated by {@link Quantities} when set.
 *
 * <p>Immutable. Build with {@link #builder()}, or take {@link #defaults()}.
 */
public final class TenantQuota {
    /** Default {@code requests.cpu}: {@value}. */
    public static final String DEFAULT_REQUESTS_CPU = "4";
    /** Default {@code requests.memory}: {@value}. */
    public static final String DEFAULT_REQUESTS_MEMORY = "8Gi";
    /** Default {@code limits.cpu}: {@value}. */
    public static final String DEFAULT_LIMITS_CPU = "8";
    /** Default {@code limits.memory}: {@value}. */
    public static final String DEFAULT_LIMITS_MEMORY = "16Gi";
    /** Default {@code persistentvolumeclaims}: {@value}. */
    public static final int DEFAULT_PERSISTENT_VOLUME_CLAIMS = 10;
    /** Default {@code services}: {@value}. */
    public static final int DEFAULT_SERVICES = 10;
    /** Default {@code pods}: {@value}. */
    public static final int DEFAULT_PODS = 20;

    private static final TenantQuota DEFAULTS = builder().build();

    private final String requestsCpu;
    private final String requestsMemory;
    private final String limitsCpu;
    private final String limitsMemory;
    private final int persistentVolumeClaims;
    private final int services;
    private final int pods;

    private TenantQuota(Builder b) {
        requestsCpu = b.requestsCpu;
        requestsMemory = b.requestsMemory;
        limitsCpu = b.limitsCpu;
        limitsMemory = b.limitsMemory;
        persistentVolumeClaims = b.persistentVolumeClaims;
        services = b.services;
        pods = b.pods;
    }

    /** Every default. */
    public static TenantQuota defaults() {
        return DEFAULTS;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this quota. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.requestsCpu = requestsCpu;
        b.requestsMemory = requestsMemory;
        b.limitsCpu = limitsCpu;
        b.limitsMemory = limitsMemory;
        b.persistentVolumeClaims = persistentVolumeClaims;
        b.services = services;
        b.pods = pods;
        return b;
    }

    /** {@code requests.cpu}. */
    public String requestsCpu() {
        return requestsCpu;
    }

    /** {@code requests.memory}. */
    public String requestsMemory() {
        return requestsMemory;
    }

    /** {@code limits.cpu}. */
    public String limitsCpu() {
        return limitsCpu;
    }

    /** {@code limits.memory}. */
    public String limitsMemory() {
        return limitsMemory;
    }

    /** {@code persistentvolumeclaims}. */
    public int persistentVolumeClaims() {
        return persistentVolumeClaims;
    }

    /** {@code services}. */
    public int services() {
        return services;
    }

    /** {@code pods}. */
    public int pods() {
        return pods;
    }

    /** {@code spec.hard} of the ResourceQuota, by Kubernetes resource name, in a fixed order. */
    public Map<String, String> hard() {
        Map<String, String> hard = new LinkedHashMap<>();
        hard.put("requests.cpu", requestsCpu);
        hard.put("requests.memory", requestsMemory);
        hard.put("limits.cpu", limitsCpu);
        hard.put("limits.memory", limitsMemory);
        hard.put("persistentvolumeclaims", String.valueOf(persistentVolumeClaims));
        hard.put("services", String.valueOf(services));
        hard.put("pods", String.valueOf(pods));
        return hard;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantQuota q && hard().equals(q.hard());
    }

    @Override
    public int hashCode() {
        return hard().hashCode();
    }

    @Override
    public String toString() {
        return "TenantQuota" + hard();
    }

    /** Builds a {@link TenantQuota}. Not thread-safe. */
    public static final class Builder {
        private String requestsCpu = DEFAULT_REQUESTS_CPU;
        private String requestsMemory = DEFAULT_REQUESTS_MEMORY;
        private String limitsCpu = DEFAULT_LIMITS_CPU;
        private String limitsMemory = DEFAULT_LIMITS_MEMORY;
        private int persistentVolumeClaims = DEFAULT_PERSISTENT_VOLUME_CLAIMS;
        private int services = DEFAULT_SERVICES;
        private int pods = DEFAULT_PODS;

        private Builder() {}

        /**
         * {@code requests.cpu}, default {@value #DEFAULT_REQUESTS_CPU}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder requestsCpu(String quantity) {
            this.requestsCpu = quantity("quota.requestsCpu", quantity);
            return this;
        }

        /**
         * {@code requests.memory}, default {@value #DEFAULT_REQUESTS_MEMORY}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder requestsMemory(String quantity) {
            this.requestsMemory = quantity("quota.requestsMemory", quantity);
            return this;
        }

        /**
         * {@code limits.cpu}, default {@value #DEFAULT_LIMITS_CPU}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder limitsCpu(String quantity) {
            this.limitsCpu = quantity("quota.limitsCpu", quantity);
            return this;
        }

        /**
         * {@code limits.memory}, default {@value #DEFAULT_LIMITS_MEMORY}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder limitsMemory(String quantity) {
            this.limitsMemory = quantity("quota.limitsMemory", quantity);
            return this;
        }

        /**
         * {@code persistentvolumeclaims}, default {@value #DEFAULT_PERSISTENT_VOLUME_CLAIMS}.
         *
         * @throws InvalidTenantException if negative
         */
        public Builder persistentVolumeClaims(int count) {
            this.persistentVolumeClaims = count("quota.persistentVolumeClaims", count);
            return this;
        }

        /**
         * {@code services}, default {@value #DEFAULT_SERVICES}.
         *
         * @throws InvalidTenantException if negative
         */
        public Builder services(int count) {
            this.services = count("quota.services", count);
            return this;
        }

        /**
         * {@code pods}, default {@value #DEFAULT_PODS}.
         *
         * @throws InvalidTenantException if negative
         */
        public Builder pods(int count) {
            this.pods = count("quota.pods", count);
            return this;
        }

        /** Builds the quota. */
        public TenantQuota build() {
            return new TenantQuota(this);
        }

        private static String quantity(String field, String value) {
            Quantities.parse(field, value);
            return value;
        }

        private static int count(String field, int value) {
            if (value < 0) {
                throw new InvalidTenantException(field, String.valueOf(value), "a count >= 0 is expected");
            }
            return value;
        }
    }
}
