package dev.scaleplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link ObservabilityAdapter}, for every observability system. An adapter module adds one subclass
 * in its tests that creates the adapter through its provider, pointed at the system under test: a real server where
 * one can be run (Prometheus and its Pushgateway), else a local server that answers with the vendor's documented
 * requests and responses.
 *
 * <pre>{@code
 * class PrometheusCompatibilityTest extends ObservabilityAdapterCompatibilityKit {
 *     protected ObservabilityAdapter createAdapter() { return new PrometheusProvider().create("prom", context()); }
 *     protected Set<ObservabilityCapability> capabilities() { return new PrometheusProvider().capabilities(); }
 *     protected String selector(String metric, Map<String, String> labels) { return metric + "{run=\"...\"}"; }
 *     protected String invalidQuery() { return "sum(("; }
 *     protected Duration visibilityTimeout() { return Duration.ofSeconds(15); } // a scrape interval or two
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * Every clause is a test of the capability it needs ({@link ObservabilityCapability}), yielded by a {@link
 * TestFactory} only when the adapter declares it, so nothing is reported as skipped; each undeclared capability has a
 * test that its calls are refused with {@link UnsupportedOperationException} naming it. Pushed values are read back
 * with instant and range queries; counters report their totals; a query the system rejects is a typed refusal with
 * the server's explanation; annotations are found by tags and window; a deployment marker is visible where the system
 * shows it (an annotation tagged {@link DeploymentMarker#tags()}, or the {@value #MARKER_METRIC} series).
 *
 * <h2>How the kit behaves</h2>
 *
 * Names carry a random suffix per test, so that runs against one long-lived server do not see each other. Reads of
 * what was just written are retried until {@link #visibilityTimeout()} (a real Prometheus shows a pushed value only
 * after its next scrape of the Pushgateway). A new adapter is created for every test and closed after it.
 */
public abstract class ObservabilityAdapterCompatibilityKit {

    /** The series a Prometheus-style marker is pushed as, with the marker's labels. */
    public static final String MARKER_METRIC = "scaleplane_deployment_timestamp_seconds";

    /** The adapter of the current test. */
    protected ObservabilityAdapter adapter;

    /** A suffix unique to the current test, for metric names, tags and label values. */
    protected String run;

    /** Creates the adapter under test, pointed at the system under test. */
    protected abstract ObservabilityAdapter createAdapter();

    /** What the adapter's provider declares; the kit checks that the adapter says the same. */
    protected abstract Set<ObservabilityCapability> capabilities();

    /**
     * A query in the system's language selecting {@code metric} with exactly these label values, e.g. PromQL {@code
     * metric{a="x"}} or Datadog {@code avg:metric{a:x}}. Needed with {@link ObservabilityCapability#QUERY}.
     */
    protected String selector(String metric, Map<String, String> labels) {
        throw new UnsupportedOperationException("override selector(metric, labels) when declaring QUERY");
    }

    /** A query the system refuses as invalid, e.g. {@code sum((}. Needed with {@link ObservabilityCapability#QUERY}. */
    protected String invalidQuery() {
        throw new UnsupportedOperationException("override invalidQuery() when declaring QUERY");
    }

    /** How long a written value may take to be readable. Default 10 s. */
    protected Duration visibilityTimeout() {
        return Duration.ofSeconds(10);
    }

    /** Creates the adapter and a fresh suffix. */
    @BeforeEach
    void openAdapter() {
        run = "tck" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        adapter = createAdapter();
    }

    /** Closes the adapter. */
    @AfterEach
    void closeAdapter() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private Stream<DynamicTest> onlyIf(ObservabilityCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.of(DynamicTest.dynamicTest(capability + " declared", body))
                : Stream.empty();
    }

    private <T> T eventually(String what, java.util.function.Supplier<T> read, java.util.function.Predicate<T> ok) {
        AtomicReference<T> last = new AtomicReference<>();
        Awaitility.await(what)
                .atMost(visibilityTimeout())
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> !(e instanceof AdapterRequestRefusedException))
                .until(() -> {
                    T value = read.get();
                    last.set(value);
                    return ok.test(value);
                });
        return last.get();
    }

    @Test
    @DisplayName("the adapter declares the capabilities of its provider, its name and its system")
    void declares() {
        assertThat(adapter.capabilities()).isEqualTo(capabilities());
        assertThat(adapter.name()).isNotBlank();
        assertThat(adapter.system()).isNotBlank().isLowerCase();
    }

    @TestFactory
    @DisplayName("a pushed gauge is read back by an instant query with its labels and value")
    Stream<DynamicTest> pushThenQuery() {
        if (!capabilities().contains(ObservabilityCapability.PUSH)) {
            return Stream.empty();
        }
        return onlyIf(ObservabilityCapability.QUERY, () -> {
            String metric = run + "_queue_depth";
            Map<String, String> labels = Map.of("queue", "deploys", "tck", run);
            adapter.push(List.of(MetricPoint.gauge(metric, 42.5, labels)));
            List<Sample> samples = eventually(
                    "gauge " + metric, () -> adapter.query(selector(metric, labels), Instant.now()), s -> !s.isEmpty());
            assertThat(samples).hasSize(1);
            assertThat(samples.get(0).value()).isEqualTo(42.5);
            assertThat(samples.get(0).labels()).containsAllEntriesOf(labels);
        });
    }

    @TestFactory
    @DisplayName("a counter reports its latest total, and a range query returns the series over the window")
    Stream<DynamicTest> counterAndRange() {
        if (!capabilities().contains(ObservabilityCapability.PUSH)) {
            return Stream.empty();
        }
        return onlyIf(ObservabilityCapability.QUERY, () -> {
            String metric = run + "_deploys_total";
            Map<String, String> labels = Map.of("tck", run);
            adapter.push(List.of(MetricPoint.counter(metric, 3, labels)));
            adapter.push(List.of(MetricPoint.counter(metric, 5, labels)));
            eventually(
                    "counter " + metric,
                    () -> adapter.query(selector(metric, labels), Instant.now()),
                    s -> s.size() == 1 && s.get(0).value() == 5);
            Instant end = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
            List<Series> series = adapter.queryRange(
                    selector(metric, labels), end.minus(Duration.ofMinutes(5)), end, Duration.ofSeconds(5));
            assertThat(series).hasSize(1);
            assertThat(series.get(0).labels()).containsAllEntriesOf(labels);
            assertThat(series.get(0).points()).isNotEmpty();
            assertThat(series.get(0).points()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
            assertThat(series.get(0)
                            .points()
                            .get(series.get(0).points().size() - 1)
                            .value())
                    .isEqualTo(5);
        });
    }

    @TestFactory
    @DisplayName("a query the system rejects is a typed refusal carrying the system's explanation")
    Stream<DynamicTest> invalidQueryIsRefused() {
        return onlyIf(ObservabilityCapability.QUERY, () -> {
            assertThatThrownBy(() -> adapter.query(invalidQuery(), Instant.now()))
                    .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                        assertThat(e.serverMessage()).isNotBlank();
                        assertThat(e.getMessage()).contains(adapter.system());
                    });
            Instant now = Instant.now();
            assertThatThrownBy(() -> adapter.queryRange(invalidQuery(), now.minusSeconds(60), now, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(
                            () -> adapter.queryRange(invalidQuery(), now, now.minusSeconds(60), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        });
    }

    @TestFactory
    @DisplayName("an annotation is created with an id and found again by its tags and window, not outside them")
    Stream<DynamicTest> annotations() {
        return onlyIf(ObservabilityCapability.ANNOTATIONS, () -> {
            Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(120);
            Annotation made = adapter.annotate(Annotation.span(
                    "rollout of checkout 1.4.2", start, start.plusSeconds(60), Set.of(run, "deployment")));
            assertThat(made.id()).isNotBlank();
            adapter.annotate(Annotation.of("unrelated", start.plusSeconds(10), Set.of(run + "-other")));
            List<Annotation> found = eventually(
                    "annotation tagged " + run,
                    () -> adapter.annotations(
                            new AnnotationQuery(Set.of(run), start.minusSeconds(60), Instant.now(), 10)),
                    a -> !a.isEmpty());
            assertThat(found).hasSize(1);
            Annotation a = found.get(0);
            assertThat(a.id()).isEqualTo(made.id());
            assertThat(a.text()).isEqualTo("rollout of checkout 1.4.2");
            assertThat(a.start()).isEqualTo(start);
            assertThat(a.end()).isEqualTo(start.plusSeconds(60));
            assertThat(a.tags()).contains(run, "deployment");
            assertThat(adapter.annotations(new AnnotationQuery(
                            Set.of(run), start.minus(Duration.ofDays(2)), start.minus(Duration.ofDays(1)), 10)))
                    .as("a window before the annotation")
                    .isEmpty();
        });
    }

    @TestFactory
    @DisplayName("a deployment marker is visible where the system shows deployments")
    Stream<DynamicTest> deploymentMarker() {
        return onlyIf(ObservabilityCapability.DEPLOYMENT_MARKERS, () -> {
            Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            DeploymentMarker marker = new DeploymentMarker(run, "1.4.2", "production", "ams-1", at, Map.of());
            adapter.markDeployment(marker);
            if (capabilities().contains(ObservabilityCapability.ANNOTATIONS)) {
                List<Annotation> found = eventually(
                        "marker annotation",
                        () -> adapter.annotations(new AnnotationQuery(
                                Set.of("deployment", "service:" + run), at.minusSeconds(60), at.plusSeconds(60), 10)),
                        a -> !a.isEmpty());
                assertThat(found.get(0).tags()).containsAll(marker.tags());
                assertThat(found.get(0).start()).isEqualTo(at);
            } else {
                List<Sample> samples = eventually(
                        "marker series",
                        () -> adapter.query(
                                selector(MARKER_METRIC, Map.of("service", run, "version", "1.4.2")), Instant.now()),
                        s -> !s.isEmpty());
                assertThat(samples.get(0).labels()).containsAllEntriesOf(marker.labels());
                assertThat(samples.get(0).value()).isEqualTo((double) at.getEpochSecond());
            }
        });
    }

    @TestFactory
    @DisplayName("calls outside the declared capabilities are refused, naming the capability")
    Stream<DynamicTest> undeclaredCapabilitiesAreRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        Instant now = Instant.now();
        for (ObservabilityCapability c : EnumSet.complementOf(EnumSet.copyOf(withNone(capabilities())))) {
            Executable call =
                    switch (c) {
                        case QUERY -> () -> adapter.query("up", now);
                        case PUSH -> () -> adapter.push(List.of(MetricPoint.gauge("tck_x", 1, Map.of())));
                        case ANNOTATIONS -> () -> adapter.annotate(Annotation.of("x", now, Set.of()));
                        case DEPLOYMENT_MARKERS -> () ->
                                adapter.markDeployment(new DeploymentMarker("s", "1", null, null, now, Map.of()));
                    };
            tests.add(DynamicTest.dynamicTest(c + " not declared", () -> assertThatThrownBy(call::execute)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(c.name())));
        }
        return tests.stream();
    }

    private static Set<ObservabilityCapability> withNone(Set<ObservabilityCapability> declared) {
        // EnumSet.copyOf refuses an empty collection without a type; an empty declaration refuses everything.
        return declared.isEmpty() ? EnumSet.noneOf(ObservabilityCapability.class) : declared;
    }
}
