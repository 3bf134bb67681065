package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.time.Instant;
import java.util.List;

/**
 * The one payload every benchmark sends: a fully populated {@link DeploymentRequested} envelope, built once.
 *
 * <p>Every bus implementation gets this same {@link Event} object (Scaleplane as the event itself, the peers as a plain
 * message object), so nobody pays an allocation per publish that the others do not. Attributes are fixed, not random,
 * so the codec benchmarks encode the same bytes on every call.
 */
public final class Payloads {

    /** The payload record. */
    public static final DeploymentRequested DEPLOYMENT_REQUESTED = new DeploymentRequested(
            "dep-7f3a9c21",
            "checkout-service",
            "2.14.3",
            "production",
            List.of("ams-1", "par-2", "waw-1"),
            "alice@example.com");

    /** The envelope, with the CloudEvents attributes and the Scaleplane extensions a real event carries. */
    public static final Event<DeploymentRequested> EVENT = Event.builder(DeploymentRequested.TYPE, DEPLOYMENT_REQUESTED)
            .id("5b0d4f0e-3c1a-4f43-9a53-2f1d3c9e8b71")
            .source("/scaleplane/deployer")
            .subject("dep-7f3a9c21")
            .time(Instant.parse("2026-03-14T09:26:53.589Z"))
            .tenant("team-payments")
            .cluster("ams-1")
            .correlationId("c0ffee00-1234-4d5e-8f90-abcdefabcdef")
            .traceparent(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
            .build();

    private Payloads() {}
}
