package dev.scaleplane.api.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Demand over time: the amount of each {@link Resource} requested in each region, as a series of points in time order.
 * The planner projects each series; it needs no Micrometer or Prometheus, so any source can feed it (the planner's own
 * {@link CapacitySampled} events through {@link #ofSamples}, a metrics export, a test's generator).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}.
 */
public final class DemandHistory {
    private static final DemandHistory EMPTY = builder().build();

    private final Map<Key, List<Point>> series;

    private DemandHistory(Map<Key, List<Point>> series) {
        this.series = series;
    }

    /** One observation: {@code amount} requested at {@code at}, in the resource's unit. */
    public record Point(Instant at, long amount) {
        /** Validates. */
        public Point {
            Objects.requireNonNull(at, "at");
        }
    }

    private record Key(String region, Resource resource) {}

    /** No history. */
    public static DemandHistory empty() {
        return EMPTY;
    }

    /** A builder of an empty history. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The history of a set of samples, bucketed by {@code step}: in each bucket (aligned to the epoch) the last sample
     * of each cluster counts, and a region's point is the sum over its clusters sampled in that bucket, at the bucket's
     * start. Every cluster should therefore be sampled once per step; a cluster missing from a bucket lowers that
     * point.
     *
     * @throws InvalidCapacityInputException if {@code step} is not positive
     */
    public static DemandHistory ofSamples(Collection<CapacitySampled> samples, Duration step) {
        if (step.isZero() || step.isNegative()) {
            throw new InvalidCapacityInputException("step", step, "a positive duration such as PT1H");
        }
        long stepSeconds = step.toSeconds();
        // region -> bucket -> cluster -> last sample
        Map<String, TreeMap<Long, Map<String, CapacitySampled>>> buckets = new HashMap<>();
        for (CapacitySampled s : samples) {
            long bucket = Math.floorDiv(s.at().getEpochSecond(), stepSeconds);
            buckets.computeIfAbsent(s.region(), r -> new TreeMap<>())
                    .computeIfAbsent(bucket, b -> new HashMap<>())
                    .merge(s.cluster(), s, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        Builder b = builder();
        buckets.forEach((region, byBucket) -> byBucket.forEach((bucket, byCluster) -> {
            Instant at = Instant.ofEpochSecond(bucket * stepSeconds);
            for (Resource r : Resource.values()) {
                long sum = byCluster.values().stream()
                        .mapToLong(s -> r.amount(s.requested()))
                        .sum();
                b.point(region, r, at, sum);
            }
        }));
        return b.build();
    }

    /** The regions with at least one series, sorted. */
    public Set<String> regions() {
        Set<String> regions = new TreeSet<>();
        series.keySet().forEach(k -> regions.add(k.region()));
        return regions;
    }

    /** The series of {@code resource} in {@code region} in time order; empty if there is none. */
    public List<Point> series(String region, Resource resource) {
        return series.getOrDefault(new Key(region, resource), List.of());
    }

    /** The points of this history with {@code from < at <= to}. */
    public DemandHistory between(Instant from, Instant to) {
        Map<Key, List<Point>> kept = new HashMap<>();
        series.forEach((k, points) -> {
            List<Point> in = points.stream()
                    .filter(p -> p.at().isAfter(from) && !p.at().isAfter(to))
                    .toList();
            if (!in.isEmpty()) {
                kept.put(k, in);
            }
        });
        return new DemandHistory(Map.copyOf(kept));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DemandHistory h && series.equals(h.series);
    }

    @Override
    public int hashCode() {
        return series.hashCode();
    }

    @Override
    public String toString() {
        Map<String, Integer> sizes = new TreeMap<>();
        series.forEach((k, v) -> sizes.put(k.region() + "/" + k.resource().label(), v.size()));
        return "DemandHistory" + sizes;
    }

    /** Builds a {@link DemandHistory}. Not thread-safe. */
    public static final class Builder {
        private final Map<Key, TreeMap<Instant, Long>> series = new HashMap<>();

        private Builder() {}

        /**
         * Adds a point.
         *
         * @throws InvalidCapacityInputException if the amount is negative, the region blank, or the series already has
         *     a point at {@code at}
         */
        public Builder point(String region, Resource resource, Instant at, long amount) {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(at, "at");
            if (region == null || region.isBlank()) {
                throw new InvalidCapacityInputException("history.region", region, "a region name such as eu-west");
            }
            String field = "history[" + region + "/" + resource.label() + "@" + at + "]";
            if (amount < 0) {
                throw new InvalidCapacityInputException(field, amount, "an amount >= 0 is expected");
            }
            Long previous = series.computeIfAbsent(new Key(region, resource), k -> new TreeMap<>())
                    .putIfAbsent(at, amount);
            if (previous != null) {
                throw new InvalidCapacityInputException(
                        field, amount, "one point per instant; the series already has " + previous + " there");
            }
            return this;
        }

        /** Builds the history. */
        public DemandHistory build() {
            Map<Key, List<Point>> copy = new HashMap<>();
            series.forEach((k, points) -> {
                List<Point> list = new ArrayList<>(points.size());
                points.forEach((at, amount) -> list.add(new Point(at, amount)));
                copy.put(k, List.copyOf(list));
            });
            return new DemandHistory(Map.copyOf(copy));
        }
    }
}
