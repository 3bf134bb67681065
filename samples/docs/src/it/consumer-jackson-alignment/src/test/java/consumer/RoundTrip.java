package consumer;

import com.google.api.client.json.jackson2.JacksonFactory;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the application does: uses the other Jackson-based library; publishes, consumes and stores an event. */
final class RoundTrip {

    /** What the round trip saw. */
    record Seen(String otherLibraryJson, String consumedId, List<RecordedEvent> recorded) {}

    private RoundTrip() {}

    static Seen run() throws Exception {
        String json = JacksonFactory.getDefaultInstance().toString(Map.of("application", "checkout"));
        Path store = Files.createTempDirectory("consumer-store-");
        // The file-log store encodes every event it appends as CloudEvents JSON with jackson-databind.
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.file.directory", store.toString())))
                .build()) {
            CompletableFuture<Event<DeploymentRequested>> consumed = new CompletableFuture<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.builder("deployments", "consumer").build(),
                            DeploymentRequested.TYPE,
                            consumed::complete);
            platform.events()
                    .publish(
                            "deployments",
                            new DeploymentRequested("dep-1", "checkout", "1.4.2", "prod", List.of("ams-1"), "alice"))
                    .get(30, TimeUnit.SECONDS);
            Event<DeploymentRequested> event = consumed.get(30, TimeUnit.SECONDS);
            platform.store()
                    .append("deployment-dep-1", ExpectedVersion.NO_STREAM, List.of(event))
                    .get(30, TimeUnit.SECONDS);
            List<RecordedEvent> recorded =
                    platform.store().readStream("deployment-dep-1", ReadDirection.FORWARD, 0, 10);
            return new Seen(json, event.id(), recorded);
        }
    }

    /** The minor versions of jackson-core and jackson-databind on the class path. */
    static int[] jacksonMinors() {
        return new int[] {
            com.fasterxml.jackson.core.json.PackageVersion.VERSION.getMinorVersion(),
            com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion()
        };
    }
}
