package dev.scaleplane.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.catalog.ClusterCreated;
import org.junit.jupiter.api.Test;

class EventTypeRegistryTest {
    record Thing(String name) {}

    record Other(String name) {}

    @Test
    void usersRegisterTheirOwnTypesNextToTheCatalog() {
        EventType<Thing> thing = EventType.of("com.example.thing.happened.v1", Thing.class);
        EventTypeRegistry registry =
                EventTypeRegistry.platformDefaults().toBuilder().register(thing).build();
        assertThat(registry.typeOf(Thing.class)).isEqualTo(thing);
        assertThat(registry.byName("com.example.thing.happened.v1")).contains(thing);
        assertThat(registry.typeOf(ClusterCreated.class)).isEqualTo(ClusterCreated.TYPE);
        assertThat(EventTypeRegistry.platformDefaults().byClass(Thing.class)).isEmpty();
    }

    @Test
    void conflictingRegistrationsAreRejected() {
        EventType<Thing> thing = EventType.of("com.example.thing.v1", Thing.class);
        EventTypeRegistry.Builder b =
                EventTypeRegistry.builder().register(thing).register(thing);
        assertThatThrownBy(() -> b.register(EventType.of("com.example.thing.v1", Other.class)))
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> b.register(EventType.of("com.example.thing.v2", Thing.class)))
                .hasMessageContaining("already registered");
    }

    @Test
    void unknownClassesFailWithHowToRegister() {
        assertThatThrownBy(() -> EventTypeRegistry.empty().typeOf(Thing.class))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("EventType.of(");
    }

    @Test
    void typeNamesMustBeVersioned() {
        assertThatThrownBy(() -> EventType.of("com.example.thing", Thing.class))
                .hasMessageContaining("version segment");
        assertThatThrownBy(() -> SubscriptionOptions.of("bad topic", "g")).hasMessageContaining("topic");
    }
}
