/**
 * Observability adapters: query a metrics system, push metrics to it, and record annotations and deployment markers
 * so that dashboards show when each rollout happened. {@link dev.scaleplane.api.adapters.observability.ObservabilityAdapter}
 * is the interface; systems (Prometheus with its Pushgateway, Grafana, Datadog) are provided by {@code
 * scaleplane-adapters-<system>} artifacts through {@link dev.scaleplane.api.spi.ObservabilityAdapterProvider}.
 */
@NullMarked
package dev.scaleplane.api.adapters.observability;

import org.jspecify.annotations.NullMarked;
