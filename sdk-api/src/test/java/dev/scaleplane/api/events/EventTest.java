package dev.scaleplane.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.PlatformEvents;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTest {

    private static final DeploymentRequested DATA =
            new DeploymentRequested("d-1", "shop", "1.0", "prod", List.of("ams-1"), "alice");

    @Test
    void builderFillsIdTimeAndContentType() {
        Event<DeploymentRequested> e =
                Event.builder(DeploymentRequested.TYPE, DATA).source("/test").build();
        assertThat(e.id()).hasSize(36);
        assertThat(e.specVersion()).isEqualTo("1.0");
        assertThat(e.type()).isEqualTo("dev.scaleplane.deployment.requested.v1");
        assertThat(e.dataContentType()).isEqualTo(Event.JSON);
        assertThat(e.source()).isEqualTo(URI.create("/test"));
        assertThat(e.time()).isNotNull();
    }

    @Test
    void orderingKeyPrefersPartitionKeyThenSubjectThenId() {
        Event<DeploymentRequested> e =
                Event.builder(DeploymentRequested.TYPE, DATA).source("/t").build();
        assertThat(e.orderingKey()).isEqualTo(e.id());
        assertThat(e.toBuilder().subject("s").build().orderingKey()).isEqualTo("s");
        assertThat(e.toBuilder().subject("s").partitionKey("p").build().orderingKey())
                .isEqualTo("p");
    }

    @Test
    void rejectsInvalidEnvelopes() {
        assertThatThrownBy(() -> Event.builder(DeploymentRequested.TYPE, DATA).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source");
        assertThatThrownBy(() -> Event.builder(DeploymentRequested.TYPE, DATA)
                        .source("/t")
                        .extensions(Map.of("Bad-Name", "x"))
                        .build())
                .hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> Event.builder(DeploymentRequested.TYPE, DATA)
                        .source("/t")
                        .extensions(Map.of("subject", "x"))
                        .build())
                .hasMessageContaining("subject");
        @SuppressWarnings({"unchecked", "rawtypes"})
        EventType<Object> wrong = (EventType) DeploymentRequested.TYPE;
        assertThatThrownBy(() -> Event.builder(wrong, "not a deployment"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void idsAreRandomVersion4Uuids() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Event.newId();
            assertThat(id.charAt(14)).isEqualTo('4');
            assertThat(ids.add(id)).isTrue();
        }
    }

    @Test
    void catalogHasTwelveTypesWithVersionedNames() {
        assertThat(PlatformEvents.all()).hasSize(12);
        assertThat(PlatformEvents.all()).allSatisfy(t -> assertThat(t.name()).matches("dev\\.scaleplane\\..*\\.v1"));
        assertThat(EventTypeRegistry.platformDefaults().types()).hasSize(12);
    }

    @Test
    void catalogRecordsValidateAndCopy() {
        List<String> clusters = new java.util.ArrayList<>(List.of("a"));
        DeploymentRequested d = new DeploymentRequested("d", "app", "1", "prod", clusters, "me");
        clusters.add("b");
        assertThat(d.clusters()).containsExactly("a");
        assertThatThrownBy(() -> new DeploymentRequested(" ", "app", "1", "prod", List.of(), "me"))
                .hasMessageContaining("deploymentId");
    }
}
