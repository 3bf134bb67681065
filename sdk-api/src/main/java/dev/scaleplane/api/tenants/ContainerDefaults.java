package dev.scaleplane.api.tenants;

import java.util.Map;

/**
 * The LimitRange of a tenant's namespace: what a container gets when its pod spec names no requests or limits. Each
 * value has a default and can be overridden.
 *
 * <p>Immutable. Build with {@link #builder()}, or take {@link #defaults()}.
 */
public final class ContainerDefaults {
    /** Default request cpu: {@value}. */
    public static final String DEFAULT_REQUEST_CPU = "200m";
    /** Default request memory: {@value}. */
    public static final String DEFAULT_REQUEST_MEMORY = "256Mi";
    /** Default limit cpu: {@value}. */
    public static final String DEFAULT_LIMIT_CPU = "500m";
    /** Default limit memory: {@value}. */
    public static final String DEFAULT_LIMIT_MEMORY = "512Mi";

    private static final ContainerDefaults DEFAULTS = builder().build();

    private final String requestCpu;
    private final String requestMemory;
    private final String limitCpu;
    private final String limitMemory;

    private ContainerDefaults(Builder b) {
        requestCpu = b.requestCpu;
        requestMemory = b.requestMemory;
        limitCpu = b.limitCpu;
        limitMemory = b.limitMemory;
    }

    /** Every default. */
    public static ContainerDefaults defaults() {
        return DEFAULTS;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code defaultRequest.cpu} of containers. */
    public String requestCpu() {
        return requestCpu;
    }

    /** {@code defaultRequest.memory} of containers. */
    public String requestMemory() {
        return requestMemory;
    }

    /** {@code default.cpu} (the limit) of containers. */
    public String limitCpu() {
        return limitCpu;
    }

    /** {@code default.memory} (the limit) of containers. */
    public String limitMemory() {
        return limitMemory;
    }

    /** {@code defaultRequest} of the LimitRange's container item. */
    public Map<String, String> defaultRequest() {
        return Map.of("cpu", requestCpu, "memory", requestMemory);
    }

    /** {@code default} (limits) of the LimitRange's container item. */
    public Map<String, String> defaultLimit() {
        return Map.of("cpu", limitCpu, "memory", limitMemory);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerDefaults c
                && defaultRequest().equals(c.defaultRequest())
                && defaultLimit().equals(c.defaultLimit());
    }

    @Override
    public int hashCode() {
        return defaultRequest().hashCode() * 31 + defaultLimit().hashCode();
    }

    @Override
    public String toString() {
        return "ContainerDefaults{request=" + requestCpu + "/" + requestMemory + ", limit=" + limitCpu + "/"
                + limitMemory + '}';
    }

    /** Builds {@link ContainerDefaults}. Not thread-safe. */
    public static final class Builder {
        private String requestCpu = DEFAULT_REQUEST_CPU;
        private String requestMemory = DEFAULT_REQUEST_MEMORY;
        private String limitCpu = DEFAULT_LIMIT_CPU;
        private String limitMemory = DEFAULT_LIMIT_MEMORY;

        private Builder() {}

        /**
         * Default request cpu, default {@value #DEFAULT_REQUEST_CPU}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder requestCpu(String quantity) {
            Quantities.parse("containerDefaults.requestCpu", quantity);
            this.requestCpu = quantity;
            return this;
        }

        /**
         * Default request memory, default {@value #DEFAULT_REQUEST_MEMORY}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder requestMemory(String quantity) {
            Quantities.parse("containerDefaults.requestMemory", quantity);
            this.requestMemory = quantity;
            return this;
        }

        /**
         * Default limit cpu, default {@value #DEFAULT_LIMIT_CPU}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder limitCpu(String quantity) {
            Quantities.parse("containerDefaults.limitCpu", quantity);
            this.limitCpu = quantity;
            return this;
        }

        /**
         * Default limit memory, default {@value #DEFAULT_LIMIT_MEMORY}.
         *
         * @throws InvalidTenantException if it is not a Kubernetes quantity
         */
        public Builder limitMemory(String quantity) {
            Quantities.parse("containerDefaults.limitMemory", quantity);
            this.limitMemory = quantity;
            return this;
        }

        /**
         * Builds the defaults.
         *
         * @throws InvalidTenantException if a default request exceeds its default limit (the API server would refuse
         *     the LimitRange)
         */
        public ContainerDefaults build() {
            check("cpu", requestCpu, limitCpu);
            check("memory", requestMemory, limitMemory);
            return new ContainerDefaults(this);
        }

        private static void check(String resource, String request, String limit) {
            if (Quantities.parse("request", request).compareTo(Quantities.parse("limit", limit)) > 0) {
                String field =
                        "containerDefaults.request" + Character.toUpperCase(resource.charAt(0)) + resource.substring(1);
                throw new InvalidTenantException(
                        field,
                        request,
                        "the default request must not exceed the default limit " + limit
                                + "; lower the request or raise the limit");
            }
        }
    }
}
