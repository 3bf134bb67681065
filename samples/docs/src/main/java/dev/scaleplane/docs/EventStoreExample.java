package dev.scaleplane.docs;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.ScaleplanePlatform;
import java.net.URI;
import java.util.List;

/** The README's event store example: append a stream, read it back, query the audit trail. */
public final class EventStoreExample {

    private EventStoreExample() {}

    // tag::readme[]
    /** What the example read back: the stream, oldest first, and the audit query's first page. */
    public record Found(List<RecordedEvent> history, AuditPage audit) {}

    public static Found appendAndQuery(ScaleplanePlatform platform) {
        Event<DeploymentRequested> requested = Event.builder(
                        DeploymentRequested.TYPE,
                        new DeploymentRequested("dep-42", "checkout", "1.4.2", "prod", List.of("ams-prod-1"), "alice"))
                .source(URI.create("/deploy-api")) // required: who emitted the event
                .tenant("team-shop")
                .build();
        EventStore store = platform.store();
        store.append("deployment-42", ExpectedVersion.NO_STREAM, List.of(requested))
                .join();
        List<RecordedEvent> history = store.readStream("deployment-42", ReadDirection.FORWARD, 0, 100);
        AuditPage page = store.query(AuditQuery.builder()
                .tenant("team-shop")
                .types(DeploymentRequested.TYPE_NAME)
                .build());
        return new Found(history, page);
    }
    // end::readme[]
}
