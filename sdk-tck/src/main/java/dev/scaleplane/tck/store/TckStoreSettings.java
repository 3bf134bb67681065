package dev.scaleplane.tck.store;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the kit asks of a store it creates through
 * {@link dev.scaleplane.tck.EventStoreCompatibilityKit#createStore(TckStoreSettings)}. Every component must be
 * honoured:
 *
 * @param eventTypes the event types the store's codec knows: the platform catalog plus the kit's payloads
 * @param clock the clock the store stamps {@code recordedAt} with and measures retention age by; the kit moves it by
 *     hand (a platform: {@code Scaleplane.builder().clock(settings.clock())})
 * @param upcasters upcasters the store must apply on reads, as the SDK does: build the store through a platform
 *     ({@code registerUpcaster}) or wrap it with {@code dev.scaleplane.core.store.UpcastingEventStore.wrap}
 * @param retention retention rules by stream category ({@code scaleplane.store.retention.<category>.max-age} and
 *     {@code .max-count}); empty unless the backend declares retention support
 */
public record TckStoreSettings(
        EventTypeRegistry eventTypes, TckClock clock, List<EventUpcaster> upcasters, Map<String, Retention> retention) {

    /** The type name of the kit's old payload version, which {@link #UPCASTER} turns into {@link TckPayload}. */
    public static final String OLD_TYPE_NAME = "dev.scaleplane.tck.payload.v0";

    /**
     * Turns {@value #OLD_TYPE_NAME} events, whose data is a JSON object {@code {"name": k, "number": n}} (left
     * unregistered, so it reads as a {@code Map}), into {@link TckPayload#TYPE_NAME} with {@code TckPayload(k, n)}.
     */
    public static final EventUpcaster UPCASTER = EventUpcaster.of(OLD_TYPE_NAME, TckPayload.TYPE_NAME, data -> {
        Map<?, ?> old = (Map<?, ?>) data;
        return new TckPayload((String) old.get("name"), ((Number) old.get("number")).intValue());
    });

    /** Validates and copies. */
    public TckStoreSettings {
        Objects.requireNonNull(eventTypes, "eventTypes");
        Objects.requireNonNull(clock, "clock");
        upcasters = List.copyOf(upcasters);
        retention = Map.copyOf(retention);
    }

    /** The kit's types, a fresh clock, {@link #UPCASTER} and no retention. */
    public static TckStoreSettings defaults() {
        return new TckStoreSettings(TckBusSettings.tckEventTypes(), new TckClock(), List.of(UPCASTER), Map.of());
    }

    /** A copy with these retention rules. */
    public TckStoreSettings withRetention(Map<String, Retention> retention) {
        return new TckStoreSettings(eventTypes, clock, upcasters, retention);
    }

    /** The settings as configuration keys: {@code scaleplane.store.retention.*}. */
    public Map<String, String> retentionConfig() {
        Map<String, String> out = new java.util.HashMap<>();
        retention.forEach((category, r) -> {
            if (r.maxAge() != null) {
                out.put(
                        "scaleplane.store.retention." + category + ".max-age",
                        r.maxAge().toMillis() + "ms");
            }
            if (r.maxCount() > 0) {
                out.put("scaleplane.store.retention." + category + ".max-count", Long.toString(r.maxCount()));
            }
        });
        return Map.copyOf(out);
    }

    /**
     * One category's retention rule.
     *
     * @param maxAge keep events recorded less than this long ago (by {@link #clock()}); null for no limit
     * @param maxCount keep this many newest events per stream; 0 for no limit
     */
    public record Retention(@Nullable Duration maxAge, long maxCount) {}
}
