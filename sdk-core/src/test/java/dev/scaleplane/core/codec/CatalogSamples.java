package dev.scaleplane.core.codec;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.ClusterCreated;
import dev.scaleplane.api.events.catalog.ClusterUpdated;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentRolledBack;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.events.catalog.ErrorBudgetDepleted;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.NamespaceCreated;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.events.catalog.SLOViolation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One payload of each of the twelve catalog types, and events around them. */
final class CatalogSamples {

    private CatalogSamples() {}

    static List<Object> payloads() {
        return List.of(
                new DeploymentRequested("dep-1", "checkout", "1.4.2", "prod", List.of("ams-1", "par-1"), "alice"),
                new DeploymentStarted("dep-1", "checkout", "1.4.2", "ams-1", "canary"),
                new DeploymentCompleted("dep-1", "checkout", "1.4.2", "ams-1", Duration.ofSeconds(93, 250_000_000)),
                new DeploymentFailed("dep-2", "checkout", "1.4.3", "par-1", "ImagePullBackOff: \"quay\" 401", true),
                new DeploymentRolledBack("dep-2", "checkout", "1.4.3", "1.4.2", "par-1", "error rate 7%"),
                new ClusterCreated("waw-1", "eu-central", "waw-1a", "1.30.2", Map.of("tier", "gold", "env", "prod")),
                new ClusterUpdated("waw-1", "eu-central", "1.31.0", Map.of("kubernetesVersion", "1.31.0")),
                new NamespaceCreated("ams-1", "user-bob", "bob", Map.of()),
                new ResourceQuotaExceeded("ams-1", "user-bob", "requests.memory", "9Gi", "8Gi"),
                new PlatformHealthCheck("api-gateway", HealthStatus.DEGRADED, "eu-west", Map.of("p99", "870ms")),
                new SLOViolation("checkout", "availability", 0.999, 0.9931, Duration.ofDays(28)),
                new ErrorBudgetDepleted("checkout", "latency", -0.125, Duration.ofDays(7)));
    }

    /** An event with every attribute set, for the payload's registered type. */
    @SuppressWarnings("unchecked")
    static <T> Event<T> fullEvent(T payload) {
        EventType<T> type = (EventType<T>) EventCodecTestSupport.REGISTRY.typeOf(payload.getClass());
        return Event.builder(type, payload)
                .id("3f1c2a7e-0b7e-4c53-9a43-5e2d8f0a1b2c")
                .source("/scaleplane/deployer")
                .subject("dep-1")
                .time(Instant.parse("2025-03-14T09:26:53.589793238Z"))
                .tenant("acme")
                .cluster("ams-1")
                .correlationId("corr-42")
                .causationId("cause-41")
                .partitionKey("checkout")
                .traceparent(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .extensions(Map.of("region", "eu-west", "priority", "7"))
                .build();
    }

    /** An event with only the required attributes. */
    @SuppressWarnings("unchecked")
    static <T> Event<T> minimalEvent(T payload) {
        EventType<T> type = (EventType<T>) EventCodecTestSupport.REGISTRY.typeOf(payload.getClass());
        return Event.builder(type, payload)
                .id("e-1")
                .source("urn:scaleplane:test")
                .time(Instant.parse("2025-01-01T00:00:00Z"))
                .build();
    }
}
