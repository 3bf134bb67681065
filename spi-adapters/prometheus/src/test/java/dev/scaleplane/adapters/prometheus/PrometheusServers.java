package dev.scaleplane.adapters.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus server and a real Pushgateway for this module's tests, one pair per JVM, started on first use and
 * stopped when the JVM exits.
 *
 * <p>The binaries are the Debian packages' ({@value #PROMETHEUS} from {@code prometheus}, {@value #PUSHGATEWAY} from
 * {@code prometheus-pushgateway}). When they are absent they are installed with {@code apt-get install -y
 * --no-install-recommends prometheus prometheus-pushgateway} (after an {@code apt-get update} if the first attempt
 * fails); if that fails too, the tests fail with a message saying how to install them. They are never skipped.
 *
 * <p>Both run as this JVM's own processes, not as the Debian services: each on a free port of 127.0.0.1, Prometheus
 * with a temporary data directory and a generated {@code prometheus.yml} whose one scrape job reads the Pushgateway
 * every second with {@code honor_labels: true} (so pushed {@code job}, {@code instance} and grouping labels are kept,
 * as the Pushgateway's README asks). Prometheus also accepts remote writes ({@code --web.enable-remote-write-receiver},
 * see {@link RemoteWrite}) of samples up to 31 days older than its newest ({@code out_of_order_time_window}), so tests
 * can put SLI data at chosen past timestamps. Each is ready when its {@code /-/ready} answers 200. Their logs are in the
 * temporary directory, and quoted when a start fails.
 */
final class PrometheusServers {
    static final String PROMETHEUS = "/usr/bin/prometheus";
    static final String PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";
    static final String INSTALL = "apt-get install -y --no-install-recommends prometheus prometheus-pushgateway";

    /** Seconds between scrapes of the Pushgateway: a pushed value is queryable within about one. */
    static final int SCRAPE_INTERVAL_SECONDS = 1;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static PrometheusServers running;

    private final String prometheusUrl;
    private final String pushgatewayUrl;

    private PrometheusServers(String prometheusUrl, String pushgatewayUrl) {
        this.prometheusUrl = prometheusUrl;
        this.pushgatewayUrl = pushgatewayUrl;
    }

    /**
     * The running pair, installed and started on first use.
     *
     * @throws IllegalStateException saying what failed and how to fix it
     */
    static synchronized PrometheusServers start() {
        if (running == null) {
            running = launch();
        }
        return running;
    }

    /** The Prometheus server's root, e.g. {@code http://127.0.0.1:40123}. */
    String prometheusUrl() {
        return prometheusUrl;
    }

    /** The Pushgateway's root. */
    String pushgatewayUrl() {
        return pushgatewayUrl;
    }

    private static PrometheusServers launch() {
        ensureInstalled();
        Path dir;
        try {
            dir = Files.createTempDirectory("scaleplane-prometheus-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Prometheus", e);
        }
        List<Process> processes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(processes, dir), "prometheus-test-servers-stop"));
        int pushgatewayPort = startReady(
                "Pushgateway",
                port -> List.of(PUSHGATEWAY, "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"),
                dir.resolve("pushgateway.log"),
                dir,
                processes);
        String pushgateway = "http://127.0.0.1:" + pushgatewayPort;
        Path config = dir.resolve("prometheus.yml");
        write(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: " + SCRAPE_INTERVAL_SECONDS + "s",
                        "  evaluation_interval: " + SCRAPE_INTERVAL_SECONDS + "s",
                        "scrape_configs:",
                        "  - job_name: pushgateway",
                        "    honor_labels: true",
                        "    scrape_interval: " + SCRAPE_INTERVAL_SECONDS + "s",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + pushgatewayPort + "']",
                        // Remote-written samples may be up to 31 days older than the newest (SLO tests backfill days).
                        "storage:",
                        "  tsdb:",
                        "    out_of_order_time_window: 31d",
                        ""));
        int prometheusPort = startReady(
                "Prometheus",
                port -> List.of(
                        PROMETHEUS,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--web.enable-remote-write-receiver",
                        "--log.level=warn"),
                dir.resolve("prometheus.log"),
                dir,
                processes);
        return new PrometheusServers("http://127.0.0.1:" + prometheusPort, pushgateway);
    }

    /** Installs the two packages when a binary is missing; fails with the way to install them by hand. */
    private static void ensureInstalled() {
        if (installed()) {
            return;
        }
        List<String> install = new ArrayList<>(List.of(
                "apt-get",
                "-o",
                "DPkg::Lock::Timeout=300",
                "install",
                "-y",
                "--no-install-recommends",
                "prometheus",
                "prometheus-pushgateway"));
        String output = run(install);
        if (!installed()) {
            // Package lists may be missing or stale (a fresh container): refresh them once, then try again.
            output += run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update"));
            output += run(install);
        }
        if (!installed()) {
            throw new IllegalStateException("These tests need a real Prometheus and Pushgateway (" + PROMETHEUS
                    + ", " + PUSHGATEWAY + "), which are missing and could not be installed with apt-get. Install"
                    + " them (as root, on Debian or Ubuntu):\n    apt-get update && " + INSTALL
                    + "\nor place both binaries at those paths. apt-get said:\n" + tail(output));
        }
    }

    private static boolean installed() {
        return Files.isExecutable(Path.of(PROMETHEUS)) && Files.isExecutable(Path.of(PUSHGATEWAY));
    }

    /** Runs {@code command}, returning its output and exit code; a command that cannot start is output too. */
    private static String run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return String.join(" ", command) + " (exit " + p.waitFor() + ")\n" + out;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /**
     * Starts the process {@code command} makes for a free port and waits until its {@code /-/ready} answers 200. A
     * process that exits early (its port taken meanwhile) is started again on another port, three times at most.
     */
    private static int startReady(
            String what,
            java.util.function.IntFunction<List<String>> command,
            Path log,
            Path dir,
            List<Process> processes) {
        String failure = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            Process process;
            try {
                process = new ProcessBuilder(command.apply(port))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + what + ": " + e.getMessage(), e);
            }
            synchronized (processes) {
                processes.add(process);
            }
            URI ready = URI.create("http://127.0.0.1:" + port + "/-/ready");
            try {
                Awaitility.await(what + " ready at " + ready)
                        .atMost(START_TIMEOUT)
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> !process.isAlive() || ready(ready));
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(what + " did not answer 200 on " + ready + " within " + START_TIMEOUT
                        + "; its log " + log + " ends with:\n" + tail(read(log)));
            }
            if (process.isAlive()) {
                return port;
            }
            failure = what + " exited with " + process.exitValue() + "; its log " + log + " ends with:\n"
                    + tail(read(log));
        }
        throw new IllegalStateException("cannot start " + what + " on 127.0.0.1: " + failure);
    }

    private static boolean ready(URI uri) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void stop(List<Process> processes, Path dir) {
        List<Process> copy;
        synchronized (processes) {
            copy = new ArrayList<>(processes);
        }
        for (Process p : copy) {
            p.destroy();
        }
        for (Process p : copy) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory: the OS cleans up what is left
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
    }
}
