package dev.scaleplane.api.adapters.secrets;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The event types of secrets adapters, and the one way to build their envelopes. Registered on every platform like
 * {@code CiEvents} (not part of the twelve catalog types). A rotation's id is derived, {@code
 * <system>:<instance>:<name>:<version>}, so the same rotation seen twice (two replicas watching) is one event to a
 * de-duplicating consumer.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecretEvents {

    /** Type name of {@link SecretRotated}. */
    public static final String ROTATED_TYPE_NAME = "dev.scaleplane.secrets.rotated.v1";

    /** A secret has a new version. */
    public static final EventType<SecretRotated> ROTATED = EventType.of(ROTATED_TYPE_NAME, SecretRotated.class);

    /** The topic rotations go to unless {@code scaleplane.adapters.<instance>.rotations.topic} names another. */
    public static final String DEFAULT_TOPIC = "scaleplane.secrets.rotations";

    private static final List<EventType<?>> ALL = List.of(ROTATED);

    private SecretEvents() {}

    /** Every secrets adapter event type: {@link #ROTATED}. */
    public static List<EventType<?>> all() {
        return ALL;
    }

    /** The key naming the topic of instance {@code instance}'s rotations. */
    public static String rotationsTopicKey(String instance) {
        return "scaleplane.adapters." + Objects.requireNonNull(instance, "instance") + ".rotations.topic";
    }

    /** The envelope of a rotation: source {@code /scaleplane/secrets/<instance>}, derived id, subject the name. */
    public static Event<SecretRotated> rotated(SecretRotated rotation) {
        Objects.requireNonNull(rotation, "rotation");
        return Event.builder(ROTATED, rotation)
                .id(rotation.system() + ':' + rotation.instance() + ':' + rotation.name() + ':' + rotation.version())
                .source(URI.create("/scaleplane/secrets/" + rotation.instance()))
                .subject(rotation.name())
                .time(rotation.observedAt())
                .build();
    }
}
