package dev.scaleplane.samples.platform;

import dev.scaleplane.api.deployments.DeploymentProgressed;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One progress line per active rollout: its wave, clusters ready of total, phase and latest step.
 *
 * <p>On a terminal the lines are redrawn in place every {@link #REFRESH} (ANSI cursor movements), below whatever the
 * scenario prints; otherwise (a pipe, a file, a test) a plain line is printed whenever a rollout's wave, ready count
 * or phase changes. All output of the run goes through {@link #say} so that the two never interleave.
 *
 * <p>Thread-safe: {@link #say} may be called from any thread.
 */
final class LiveProgress implements AutoCloseable {
    /** How often the lines are refreshed. */
    static final Duration REFRESH = Duration.ofMillis(200);

    private final PrintStream out;
    private final boolean terminal;
    private final Deployments deployments;
    private final long startNanos = System.nanoTime();
    private final Map<String, String> lastStep = new ConcurrentHashMap<>();
    private final Map<String, String> printed = new HashMap<>();
    private final Subscription steps;
    private final ScheduledExecutorService ticker;
    private int drawn;

    private LiveProgress(PrintStream out, boolean terminal, Deployments deployments, EventBus bus) {
        this.out = out;
        this.terminal = terminal;
        this.deployments = deployments;
        this.steps = bus.subscribe(
                SubscriptionOptions.of(Deployments.TOPIC, "sample-progress"), DeploymentProgressed.TYPE, e -> {
                    DeploymentProgressed p = e.data();
                    lastStep.put(p.deploymentId(), p.cluster() == null ? p.step() : p.step() + " " + p.cluster());
                });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts showing progress.
     *
     * @param terminal whether {@code out} is a terminal (redraw in place) or not (plain lines)
     */
    static LiveProgress start(PrintStream out, boolean terminal, Deployments deployments, EventBus bus) {
        return new LiveProgress(out, terminal, deployments, bus);
    }

    /** Prints {@code text} above the live lines. */
    synchronized void say(String text) {
        erase();
        out.println(text);
        draw(lines());
    }

    /** Seconds since the start, for plain lines. */
    String elapsed() {
        return String.format(Locale.ROOT, "+%5.1fs", (System.nanoTime() - startNanos) / 1e9);
    }

    private synchronized void refresh() {
        try {
            List<String> lines = lines();
            if (terminal) {
                erase();
                draw(lines);
            } else {
                for (DeploymentStatus s : deployments.active()) {
                    String key = s.phase() + "|" + s.wave() + "|" + s.clustersReady() + "|" + s.clustersTotal();
                    if (!key.equals(printed.put(s.deploymentId(), key))) {
                        out.println("  " + elapsed() + " " + line(s));
                    }
                }
            }
        } catch (RuntimeException e) {
            out.println("  (progress unavailable: " + e + ")");
        }
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (terminal) {
            for (DeploymentStatus s : deployments.active()) {
                lines.add("  ▶ " + line(s));
            }
        }
        return lines;
    }

    private String line(DeploymentStatus s) {
        String wave = s.waves() == 0 ? "wave -/-" : "wave " + (s.wave() + 1) + "/" + s.waves();
        return String.format(
                Locale.ROOT,
                "%-24s %-9s %d/%d clusters ready  %-11s %s",
                s.deploymentId(),
                wave,
                s.clustersReady(),
                s.clustersTotal(),
                s.phase(),
                lastStep.getOrDefault(s.deploymentId(), ""));
    }

    private void erase() {
        if (drawn > 0) {
            out.print("\033[" + drawn + "A\r\033[J");
            drawn = 0;
        }
    }

    private void draw(List<String> lines) {
        lines.forEach(out::println);
        drawn = lines.size();
        out.flush();
    }

    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        steps.close();
        erase();
    }
}
