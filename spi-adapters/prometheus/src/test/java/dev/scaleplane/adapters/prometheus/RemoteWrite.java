package dev.scaleplane.adapters.prometheus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes samples at chosen timestamps into the test Prometheus through its remote-write receiver ({@code POST
 * /api/v1/write}, remote-write 1.0: a protobuf {@code prometheus.WriteRequest}, snappy block-compressed). The Pushgateway
 * cannot carry timestamps, and Prometheus' own backfill ({@code promtool tsdb create-blocks-from}) needs blocks moved
 * into a stopped server; this is the documented way to put past samples into a running one.
 *
 * <p>The two wire formats are small enough to write by hand, which keeps protobuf and snappy libraries out of the
 * build: the message has four fields in three nested types, and snappy's format lets a compressor emit only literals
 * (valid, merely uncompressed).
 */
final class RemoteWrite {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RemoteWrite() {}

    /**
     * One series: its labels (including {@code __name__}) and its samples, oldest first.
     *
     * @param labels the labels
     * @param samples value by timestamp, in time order
     */
    record TimeSeries(Map<String, String> labels, List<Map.Entry<Instant, Double>> samples) {}

    /**
     * Sends the series in one request.
     *
     * @throws IllegalStateException with Prometheus' answer if it does not accept them
     */
    static void write(String prometheusUrl, List<TimeSeries> series) {
        byte[] body = snappy(writeRequest(series));
        HttpRequest request = HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/write"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "Prometheus refused the remote write (HTTP " + response.statusCode() + "): " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remote-write to Prometheus at " + prometheusUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while remote-writing", e);
        }
    }

    /** WriteRequest { repeated TimeSeries timeseries = 1; } */
    private static byte[] writeRequest(List<TimeSeries> series) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TimeSeries s : series) {
            lengthDelimited(out, 1, timeSeries(s));
        }
        return out.toByteArray();
    }

    /** TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }, labels sorted by name. */
    private static byte[] timeSeries(TimeSeries s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> label : new TreeMap<>(s.labels()).entrySet()) {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            lengthDelimited(l, 1, label.getKey().getBytes(StandardCharsets.UTF_8));
            lengthDelimited(l, 2, label.getValue().getBytes(StandardCharsets.UTF_8));
            lengthDelimited(out, 1, l.toByteArray());
        }
        for (Map.Entry<Instant, Double> sample : s.samples()) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(1 << 3 | 1); // value: field 1, 64-bit
            long bits = Double.doubleToLongBits(sample.getValue());
            for (int i = 0; i < 8; i++) {
                p.write((int) (bits >>> (8 * i)));
            }
            p.write(2 << 3); // timestamp in milliseconds: field 2, varint
            varint(p, sample.getKey().toEpochMilli());
            lengthDelimited(out, 2, p.toByteArray());
        }
        return out.toByteArray();
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] bytes) {
        out.write(field << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Snappy block format with literal elements only: the length as a varint, then chunks of at most 64 KiB. */
    private static byte[] snappy(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, data.length);
        for (int at = 0; at < data.length; at += 65_536) {
            int n = Math.min(65_536, data.length - at);
            if (n <= 60) {
                out.write((n - 1) << 2);
            } else {
                out.write(61 << 2); // a literal whose length - 1 follows in two little-endian bytes
                out.write((n - 1) & 0xFF);
                out.write((n - 1) >>> 8);
            }
            out.write(data, at, n);
        }
        return out.toByteArray();
    }
}
