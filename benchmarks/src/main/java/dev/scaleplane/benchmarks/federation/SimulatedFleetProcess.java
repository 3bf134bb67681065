package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SimulatedFleet} in a JVM of its own, so that a footprint measurement of the client side (heap, resident
 * memory, threads) does not count the mock API servers, which in production run elsewhere.
 *
 * <p>The child runs {@link #main(String[])}: it starts the clusters, writes their URLs (one line each, in cluster
 * order) to a file, prints {@value #READY} on standard output, and closes the fleet and exits when its standard input
 * closes, so a benchmark JVM that dies takes its servers with it.
 */
final class SimulatedFleetProcess implements AutoCloseable {
    static final String READY = "SIMULATED-FLEET-READY";

    private final Process process;
    private final List<String> urls;

    private SimulatedFleetProcess(Process process, List<String> urls) {
        this.process = process;
        this.urls = urls;
    }

    /**
     * Starts {@code clusters} simulated clusters in a new JVM (same {@code java} and class path as this one) and
     * waits until they all accept connections.
     *
     * @param heap the child's {@code -Xmx}, e.g. {@code "4g"}
     */
    static SimulatedFleetProcess start(int clusters, Duration controllerDelay, Path dir, String heap)
            throws IOException, InterruptedException {
        Path urlsFile = dir.resolve("servers.txt");
        Path log = dir.resolve("servers.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx" + heap,
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SimulatedFleetProcess.class.getName(),
                        Integer.toString(clusters),
                        Long.toString(controllerDelay.toMillis()),
                        urlsFile.toString())
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(READY)) {
                return new SimulatedFleetProcess(p, Files.readAllLines(urlsFile, StandardCharsets.UTF_8));
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        p.destroyForcibly();
        throw new IllegalStateException("the simulated fleet process (" + clusters + " clusters) ended without"
                + " starting; its output is in " + log + ":\n" + Files.readString(log));
    }

    /** The servers' URLs, in cluster order. */
    List<String> urls() {
        return urls;
    }

    /** Closes the child's standard input, which makes it stop its fleet; kills it if it takes more than 60 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The child: {@code <clusters> <controllerDelayMillis> <urlsFile>}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        Duration delay = Duration.ofMillis(Long.parseLong(args[1]));
        Path urlsFile = Path.of(args[2]);
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(delay);
        FleetFixture.names(n).forEach(b::cluster);
        try (SimulatedFleet fleet = b.start()) {
            List<String> urls = new ArrayList<>(n);
            for (SimulatedCluster c : fleet.clusters()) {
                urls.add(c.url());
            }
            Files.write(urlsFile, urls, StandardCharsets.UTF_8);
            System.out.println(READY);
            System.out.flush();
            try {
                // Until the parent closes our standard input (or dies).
                while (System.in.read() >= 0) {
                    // ignore
                }
            } catch (IOException e) {
                // the parent is gone
            }
        }
        // Vert.x and the controllers' scheduler run daemon and non-daemon threads alike: leave at once.
        System.exit(0);
    }
}
