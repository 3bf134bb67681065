package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Round trips of random events of every catalog type through every wire form. */
class EventCodecPropertyTest {

    private final EventCodec codec = EventCodec.of(REGISTRY);

    @Property(tries = 400)
    void structuredRoundTrip(@ForAll("events") Event<Object> event) {
        assertThat(codec.decodeStructured(codec.encodeStructured(event))).isEqualTo(event);
    }

    @Property(tries = 400)
    void binaryRoundTrip(@ForAll("events") Event<Object> event, @ForAll BinaryBinding binding) {
        BinaryMessage message = codec.encodeBinary(event, binding);
        assertThat(codec.decodeBinary(message.headers(), message.body(), binding))
                .isEqualTo(event);
    }

    @Property(tries = 200)
    void structuredAndBinaryAgree(@ForAll("events") Event<Object> event) {
        Event<?> viaJson = codec.decodeStructured(codec.encodeStructured(event));
        BinaryMessage message = codec.encodeBinary(viaJson, BinaryBinding.KAFKA);
        // Compared as events, not bytes: the order of a Map.copyOf inside a payload is not stable across copies.
        Event<?> viaBoth = codec.decodeBinary(message.headers(), message.body(), BinaryBinding.KAFKA);
        assertThat(codec.decodeStructured(codec.encodeStructured(viaBoth))).isEqualTo(event);
    }

    @Property(tries = 300)
    void timestampsRoundTripThroughRfc3339(@ForAll("instants") Instant instant) {
        String text = Rfc3339.format(instant);
        assertThat(text).isEqualTo(instant.toString());
        assertThat(Rfc3339.parse(text)).isEqualTo(instant);
    }

    @Property(tries = 100)
    void offsetsAreApplied(
            @ForAll("instants") Instant instant, @ForAll @IntRange(min = -23 * 60, max = 23 * 60) int offsetMinutes) {
        java.time.ZoneOffset offset =
                java.time.ZoneOffset.ofTotalSeconds(Math.max(-18 * 3600, Math.min(18 * 3600, offsetMinutes * 60)));
        String text = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(offset));
        if (text.length() >= 20 && Character.isDigit(text.charAt(0))) {
            assertThat(Rfc3339.parse(text)).isEqualTo(instant);
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Combinators.combine(
                        Arbitraries.longs().between(-30_000_000_000L, 253_402_300_799L),
                        Arbitraries.oneOf(
                                Arbitraries.just(0),
                                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                                Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars(" -_./:\"\\'{}[]äöüßé€中\u00e9\t\n")
                .ofMinLength(1)
                .ofMaxLength(24)
                .filter(s -> !s.isBlank());
    }

    private static Arbitrary<String> optionalText() {
        return text().injectNull(0.3);
    }

    private static Arbitrary<Duration> durations() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, 10_000_000L),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Duration::ofSeconds);
    }

    private static Arbitrary<Map<String, String>> labels() {
        return Arbitraries.maps(text(), text()).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Object> payloads() {
        Arbitrary<String> t = text();
        return Arbitraries.oneOf(
                Combinators.combine(t, t, t, t, t.list().ofMaxSize(4), t).as(DeploymentRequested::new),
                Combinators.combine(t, t, t, t, t).as(DeploymentStarted::new),
                Combinators.combine(t, t, t, t, durations()).as(DeploymentCompleted::new),
                Combinators.combine(t, t, t, t, t, Arbitraries.of(true, false)).as(DeploymentFailed::new),
                Combinators.combine(t, t, t, t, t, t).as(DeploymentRolledBack::new),
                Combinators.combine(t, t, t, t, labels()).as(ClusterCreated::new),
                Combinators.combine(t, t, t, labels()).as(ClusterUpdated::new),
                Combinators.combine(t, t, t, labels()).as(NamespaceCreated::new),
                Combinators.combine(t, t, t, t, t).as(ResourceQuotaExceeded::new),
                Combinators.combine(t, Arbitraries.of(HealthStatus.class), t, labels())
                        .as(PlatformHealthCheck::new),
                Combinators.combine(
                                t,
                                t,
                                Arbitraries.doubles().between(0, 1),
                                Arbitraries.doubles().between(0, 1),
                                durations())
                        .as(SLOViolation::new),
                Combinators.combine(t, t, Arbitraries.doubles().between(-1e6, 0), durations())
                        .as(ErrorBudgetDepleted::new));
    }

    private static Arbitrary<URI> sources() {
        return Arbitraries.of(
                URI.create("/scaleplane/deployer"),
                URI.create("https://ci.example.com/pipelines/42?run=7#step"),
                URI.create("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"),
                URI.create("mailto:platform@example.com"),
                URI.create("relative/path"),
                URI.create("/s%20paced"));
    }

    private static Arbitrary<TraceParent> traceparents() {
        Arbitrary<String> hex32 = Arbitraries.strings()
                .withChars("0123456789abcdef")
                .ofLength(32)
                .filter(s -> !s.chars().allMatch(c -> c == '0'));
        Arbitrary<String> hex16 = Arbitraries.strings()
                .withChars("0123456789abcdef")
                .ofLength(16)
                .filter(s -> !s.chars().allMatch(c -> c == '0'));
        return Combinators.combine(hex32, hex16, Arbitraries.bytes()).as(TraceParent::new);
    }

    private static Arbitrary<Map<String, String>> extensions() {
        Arbitrary<String> names = Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('0', '9')
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(n -> !Event.isReservedAttributeName(n));
        return Arbitraries.maps(names, text()).ofMaxSize(3);
    }

    private static Arbitrary<String> jsonContentTypes() {
        return Arbitraries.of(
                "application/json",
                "application/json; charset=utf-8",
                "text/json",
                "application/vnd.scaleplane.event+json");
    }

    @Provide
    @SuppressWarnings("unchecked")
    Arbitrary<Event<Object>> events() {
        Arbitrary<Event.Builder<Object>> base = Combinators.combine(
                        payloads(), text(), sources(), optionalText(), instants(), jsonContentTypes())
                .as((payload, id, source, subject, time, contentType) -> {
                    EventType<Object> type = (EventType<Object>) REGISTRY.typeOf(payload.getClass());
                    return Event.builder(type, payload)
                            .id(id)
                            .source(source)
                            .subject(subject)
                            .time(time)
                            .dataContentType(contentType);
                });
        return Combinators.combine(
                        base,
                        optionalText(),
                        optionalText(),
                        optionalText(),
                        optionalText(),
                        optionalText(),
                        traceparents().injectNull(0.3),
                        extensions())
                .as((b, tenant, cluster, correlation, causation, partition, trace, ext) -> b.tenant(tenant)
                        .cluster(cluster)
                        .correlationId(correlation)
                        .causationId(causation)
                        .partitionKey(partition)
                        .traceparent(trace)
                        .extensions(ext)
                        .build());
    }
}
