package dev.scaleplane.api.events;

import dev.scaleplane.api.events.catalog.PlatformEvents;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event types a platform knows: which payload class each type name decodes to, and which type name a payload
 * class is published under.
 *
 * <p>Immutable and thread-safe. {@link #platformDefaults()} holds the platform catalog; add your own types with
 * {@link #toBuilder()} or through the platform builder.
 */
public final class EventTypeRegistry {

    private static final EventTypeRegistry EMPTY = new EventTypeRegistry(Map.of(), Map.of());
    private static final EventTypeRegistry DEFAULTS =
            builder().registerAll(PlatformEvents.all()).build();

    private final Map<String, EventType<?>> byName;
    private final Map<Class<?>, EventType<?>> byClass;

    private EventTypeRegistry(Map<String, EventType<?>> byName, Map<Class<?>, EventType<?>> byClass) {
        this.byName = Map.copyOf(byName);
        this.byClass = Map.copyOf(byClass);
    }

    /** A registry with no types. */
    public static EventTypeRegistry empty() {
        return EMPTY;
    }

    /** A registry with the twelve platform catalog types of {@link PlatformEvents}. */
    public static EventTypeRegistry platformDefaults() {
        return DEFAULTS;
    }

    /** A builder starting empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting with this registry's types. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.registerAll(byName.values());
        return b;
    }

    /** The type registered under {@code name}, if any. */
    public Optional<EventType<?>> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The type a payload class is published under, if registered. */
    @SuppressWarnings("unchecked")
    public <T> Optional<EventType<T>> byClass(Class<T> javaType) {
        return Optional.ofNullable((EventType<T>) byClass.get(javaType));
    }

    /**
     * The type a payload class is published under.
     *
     * @throws UnknownEventTypeException if the class is not registered, naming how to register it
     */
    @SuppressWarnings("unchecked")
    public <T> EventType<T> typeOf(Class<T> javaType) {
        EventType<T> type = (EventType<T>) byClass.get(javaType);
        if (type == null) {
            throw new UnknownEventTypeException("no event type is registered for " + javaType.getName()
                    + "; register one with EventType.of(\"com.example.thing.happened.v1\", "
                    + javaType.getSimpleName() + ".class) on the platform builder");
        }
        return type;
    }

    /** Every registered type. */
    public Collection<EventType<?>> types() {
        return byName.values();
    }

    @Override
    public String toString() {
        return "EventTypeRegistry" + byName.keySet();
    }

    /** Collects types. Not thread-safe. */
    public static final class Builder {
        private final Map<String, EventType<?>> byName = new LinkedHashMap<>();
        private final Map<Class<?>, EventType<?>> byClass = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Registers a type. Registering the same name and class twice is harmless.
         *
         * @throws IllegalArgumentException if the name is already registered for another class, or the class for
         *     another name
         */
        public Builder register(EventType<?> type) {
            Objects.requireNonNull(type, "type");
            EventType<?> sameName = byName.get(type.name());
            if (sameName != null && !sameName.equals(type)) {
                throw new IllegalArgumentException("event type " + type.name() + " is already registered for "
                        + sameName.javaType().getName() + ", cannot register it for "
                        + type.javaType().getName());
            }
            EventType<?> sameClass = byClass.get(type.javaType());
            if (sameClass != null && !sameClass.equals(type)) {
                throw new IllegalArgumentException(type.javaType().getName() + " is already registered as "
                        + sameClass.name() + ", cannot register it as " + type.name());
            }
            byName.put(type.name(), type);
            byClass.put(type.javaType(), type);
            return this;
        }

        /** Registers several types; see {@link #register(EventType)}. */
        public Builder registerAll(Collection<? extends EventType<?>> types) {
            types.forEach(this::register);
            return this;
        }

        /** Builds the immutable registry. */
        public EventTypeRegistry build() {
            return new EventTypeRegistry(byName, byClass);
        }
    }
}
