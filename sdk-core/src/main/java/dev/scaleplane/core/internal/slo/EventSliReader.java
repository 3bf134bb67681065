package dev.scaleplane.core.internal.slo;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.slo.ErrorBudget;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.RecordedEvent;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Counts an {@link Sli.EventRatio} over the platform's event store: one audit query over the longest window (the
 * good and bad types, events that happened in it), each event counted in every window that holds its time.
 *
 * <p>Public because {@link #count} is also the event counter of deployment analysis ({@code
 * dev.scaleplane.core.internal.analysis}): the platform counts its own events in one place. Thread-safe.
 */
public final class EventSliReader implements SliReader {
    private static final int PAGE = 10_000;

    private final Supplier<EventStore> store;
    private final Map<Class<?>, Map<String, RecordComponent>> components = new ConcurrentHashMap<>();

    /** A reader of {@code store}'s events (a supplier, as the platform's store is opened lazily). */
    public EventSliReader(Supplier<EventStore> store) {
        this.store = store;
    }

    @Override
    public Map<Duration, ErrorBudget> read(SloDefinition slo, Instant now, Set<Duration> windows) {
        Sli.EventRatio sli = (Sli.EventRatio) slo.sli();
        Map<Duration, Counts> counts = count(
                sli.goodTypes(),
                sli.badTypes(),
                sli.serviceField(),
                slo.service(),
                now,
                windows,
                "the events of SLO " + slo.service() + "/" + slo.name());
        Map<Duration, ErrorBudget> result = new HashMap<>();
        counts.forEach((w, c) -> result.put(w, new ErrorBudget(slo.objective(), c.good(), c.good() + c.bad())));
        return result;
    }

    /** Events counted in one window: of the good types and of the bad types. */
    public record Counts(long good, long bad) {}

    /**
     * Counts the events of {@code goodTypes} and of {@code badTypes} in each window {@code (now - window, now]}, by
     * event time, that have the payload field {@code field} equal to {@code value} (every event when {@code field} is
     * null).
     *
     * @param what what is counted, for the error message, e.g. "the events of SLO checkout/deploy-success"
     * @return one entry per window
     * @throws ScaleplaneException naming {@code what} when the store cannot be read
     */
    public Map<Duration, Counts> count(
            Set<String> goodTypes,
            Set<String> badTypes,
            @Nullable String field,
            @Nullable String value,
            Instant now,
            Set<Duration> windows,
            String what) {
        Duration longest = windows.stream().max(Duration::compareTo).orElseThrow();
        Map<Duration, long[]> counts = new HashMap<>(); // window -> {good, bad}
        windows.forEach(w -> counts.put(w, new long[2]));
        String[] types = java.util.stream.Stream.concat(goodTypes.stream(), badTypes.stream())
                .toArray(String[]::new);
        each(
                types,
                now.minus(longest),
                now.plusNanos(1),
                what,
                r -> count(goodTypes, badTypes, field, value, r, now, counts));
        Map<Duration, Counts> result = new HashMap<>();
        counts.forEach((w, c) -> result.put(w, new Counts(c[0], c[1])));
        return result;
    }

    /**
     * Hands every stored event of {@code types} whose time is in {@code [from, to)} to {@code action}, in position
     * order, reading the store's audit query page by page. Public because the capacity planner reads its samples with
     * it: the platform pages through its store in one place.
     *
     * @param what what is read, for the error message
     * @throws ScaleplaneException naming {@code what} when the store cannot be read
     */
    public void each(
            String[] types, Instant from, Instant to, String what, java.util.function.Consumer<RecordedEvent> action) {
        long after = -1;
        while (true) {
            AuditPage page;
            try {
                page = store.get()
                        .query(AuditQuery.builder()
                                .types(types)
                                .timeRange(from, to)
                                .afterPosition(after)
                                .limit(PAGE)
                                .build());
            } catch (RuntimeException e) {
                throw new ScaleplaneException(
                        "cannot read " + what + " from the platform's event store: " + e.getMessage(), e);
            }
            page.events().forEach(action);
            if (page.nextPosition().isEmpty() || page.events().isEmpty()) {
                return;
            }
            after = page.nextPosition().getAsLong();
        }
    }

    private void count(
            Set<String> goodTypes,
            Set<String> badTypes,
            @Nullable String field,
            @Nullable String value,
            RecordedEvent r,
            Instant now,
            Map<Duration, long[]> counts) {
        String type = r.event().type();
        boolean good = goodTypes.contains(type);
        if (!good && !badTypes.contains(type)) {
            return;
        }
        if (field != null && !Objects.equals(value, field(r.event().data(), field))) {
            return;
        }
        Instant time = r.event().time();
        for (Map.Entry<Duration, long[]> e : counts.entrySet()) {
            // The window is (now - w, now], as a Prometheus range selector ends at the evaluation time.
            if (time.isAfter(now.minus(e.getKey())) && !time.isAfter(now)) {
                e.getValue()[good ? 0 : 1]++;
            }
        }
    }

    /** The payload's field: a map entry, or a record component of that name; null when it has none. */
    private @Nullable Object field(Object data, String name) {
        if (data instanceof Map<?, ?> map) {
            Object v = map.get(name);
            return v == null ? null : v.toString();
        }
        Class<?> type = data.getClass();
        if (!type.isRecord()) {
            return null;
        }
        RecordComponent c = components
                .computeIfAbsent(type, t -> {
                    Map<String, RecordComponent> byName = new HashMap<>();
                    for (RecordComponent rc : List.of(t.getRecordComponents())) {
                        byName.put(rc.getName(), rc);
                    }
                    return byName;
                })
                .get(name);
        if (c == null) {
            return null;
        }
        try {
            return Objects.toString(c.getAccessor().invoke(data), null);
        } catch (ReflectiveOperationException e) {
            return null; // a payload whose field cannot be read is not the service's
        }
    }
}
