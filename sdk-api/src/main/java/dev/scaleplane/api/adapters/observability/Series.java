package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One series of a range query: its labels and its points in time order.
 *
 * @param labels the series' labels, sorted
 * @param points the points, oldest first
 */
public record Series(Map<String, String> labels, List<Point> points) {

    /** Copies the labels and points. */
    public Series {
        labels = Labels.copy(labels);
        points = List.copyOf(points);
    }

    /**
     * One point of a series.
     *
     * @param at when
     * @param value the value
     */
    public record Point(Instant at, double value) {
        /** Validates. */
        public Point {
            Objects.requireNonNull(at, "at");
        }
    }
}
