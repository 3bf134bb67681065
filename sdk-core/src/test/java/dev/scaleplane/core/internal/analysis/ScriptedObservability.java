package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of the observability SPI whose instant-query answers a test scripts per query: a value (one sample),
 * a list of samples, or an exception to throw. It records every query with its evaluation time. An unscripted query
 * fails the test with an {@link AssertionError}, which no engine catches.
 */
final class ScriptedObservability implements ObservabilityAdapter {
    /** One instant query as received. */
    record Call(String query, Instant at) {}

    private final String name;
    private final Map<String, Deque<Object>> answers = new HashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();

    ScriptedObservability(String name) {
        this.name = name;
    }

    /** Scripts the next answers to {@code query}, in order: Double, List of Sample, or RuntimeException. */
    synchronized ScriptedObservability answer(String query, Object... next) {
        Deque<Object> q = answers.computeIfAbsent(query, k -> new ArrayDeque<>());
        q.addAll(List.of(next));
        return this;
    }

    /** The platform's adapters holding only this instance. */
    Adapters adapters() {
        ScriptedObservability self = this;
        return new Adapters() {
            @Override
            public CiAdapter ci(String n) {
                throw new NoSuchElementException("no CI adapter instance named '" + n + "'");
            }

            @Override
            public IssueTrackerAdapter issues(String n) {
                throw new NoSuchElementException("no issue-tracker adapter instance named '" + n + "'");
            }

            @Override
            public Set<String> ciNames() {
                return Set.of();
            }

            @Override
            public Set<String> issueTrackerNames() {
                return Set.of();
            }

            @Override
            public ObservabilityAdapter observability(String n) {
                if (!n.equals(name)) {
                    throw new NoSuchElementException(
                            "no observability adapter instance named '" + n + "'; configured: [" + name + "]");
                }
                return self;
            }

            @Override
            public Set<String> observabilityNames() {
                return Set.of(name);
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String system() {
        return "prometheus";
    }

    @Override
    public Set<ObservabilityCapability> capabilities() {
        return EnumSet.noneOf(ObservabilityCapability.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Sample> query(String query, Instant at) {
        calls.add(new Call(query, at));
        Object next;
        synchronized (this) {
            Deque<Object> q = answers.get(query);
            if (q == null || q.isEmpty()) {
                throw new AssertionError("unscripted query " + query + " at " + at);
            }
            next = q.poll();
        }
        if (next instanceof RuntimeException e) {
            throw e;
        }
        if (next instanceof Double d) {
            return List.of(new Sample(Map.of(), at, d));
        }
        return (List<Sample>) next;
    }

    @Override
    public List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public void push(List<MetricPoint> points) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public Annotation annotate(Annotation annotation) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public List<Annotation> annotations(AnnotationQuery query) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public void markDeployment(DeploymentMarker marker) {
        throw new UnsupportedOperationException("not scripted");
    }
}
