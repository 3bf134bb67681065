package dev.scaleplane.events.rabbitmq.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A RabbitMQ node of the test's own, for tests that stop, restart or kill a broker without disturbing the machine's
 * shared one: node name {@code sp-fault-<random>@localhost}, its own AMQP and distribution ports on 127.0.0.1, and its
 * data, logs, configuration and Erlang cookie in a temporary directory. It reuses the machine's epmd. Started with
 * {@code rabbitmq-server} as a child process, stopped with {@code rabbitmqctl -n <node> stop}, killed with
 * {@code kill -9} of its Erlang VM. Data survives {@link #stop()} and {@link #kill()}; {@link #close()} deletes it.
 *
 * <p>Needs the {@code rabbitmq-server} package ({@code apt-get install -y rabbitmq-server}); fails with that advice
 * when it is missing. Not thread-safe: one test drives it.
 */
public final class RabbitNode implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");

    private final String nodeName;
    private final int amqpPort;
    private final int distPort;
    private final Path dir;
    private @Nullable Process process;

    private RabbitNode(String nodeName, int amqpPort, int distPort, Path dir) {
        this.nodeName = nodeName;
        this.amqpPort = amqpPort;
        this.distPort = distPort;
        this.dir = dir;
    }

    /** Creates the node's directory and configuration and starts it; returns once it accepts AMQP connections. */
    public static RabbitNode start() {
        if (!Files.isExecutable(BIN.resolve("rabbitmq-server"))) {
            throw new AssertionError("RabbitMQ is not installed (" + BIN.resolve("rabbitmq-server")
                    + " is missing). Install it with\n    apt-get install -y rabbitmq-server");
        }
        try {
            Path dir = Files.createTempDirectory("sp-rabbit-node-");
            String name = SharedRabbit.uniqueName("sp-fault") + "@localhost";
            RabbitNode node = new RabbitNode(name, freePort(), freePort(), dir);
            Files.createDirectories(dir.resolve("mnesia"));
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dir.resolve("home"));
            Files.writeString(dir.resolve("rabbitmq-env.conf"), "\n");
            Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
            Files.writeString(
                    dir.resolve("rabbitmq.conf"),
                    "listeners.tcp.default = 127.0.0.1:" + node.amqpPort + "\n"
                            + "loopback_users.guest = true\n"
                            // Disk alarms on a busy shared disk would block publishers for reasons unrelated to the
                            // test.
                            + "disk_free_limit.absolute = 1MB\n");
            node.startProcess();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node name, e.g. {@code sp-fault-0123456789ab@localhost}. */
    public String nodeName() {
        return nodeName;
    }

    /** The AMQP port on 127.0.0.1. */
    public int amqpPort() {
        return amqpPort;
    }

    /** A connection factory for this node (guest/guest, default virtual host). */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost("127.0.0.1");
        cf.setPort(amqpPort);
        cf.setUsername("guest");
        cf.setPassword("guest");
        cf.setConnectionTimeout(5_000);
        return cf;
    }

    /** Starts the node again after {@link #stop()} or {@link #kill()}, with its data. */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(nodeName + " is running");
        }
        startProcess();
    }

    /** Stops the node gracefully with {@code rabbitmqctl -n <node> stop} and waits for its process to end. */
    public void stop() {
        ctl("stop");
        waitForExit();
    }

    /** Kills the node's Erlang VM with {@code kill -9} and waits for it to end. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        // rabbitmq-server is a shell script that execs (or forks) the Erlang VM: kill every beam.smp below it.
        List<ProcessHandle> victims = new ArrayList<>();
        victims.add(p.toHandle());
        p.toHandle().descendants().forEach(victims::add);
        for (ProcessHandle h : victims) {
            String cmd = h.info().command().orElse("");
            if (cmd.contains("beam")) {
                SharedRabbit.Processes.run(List.of("kill", "-9", Long.toString(h.pid())), 10);
            }
        }
        waitForExit();
    }

    /** Stops the node (killing it if it does not stop) and deletes its directory. */
    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            try {
                stop();
            } catch (AssertionError e) {
                kill();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startProcess() {
        ProcessBuilder pb = new ProcessBuilder(BIN.resolve("rabbitmq-server").toString());
        pb.environment().putAll(environment());
        pb.redirectErrorStream(true);
        pb.redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + nodeName + ": " + e, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new AssertionError(nodeName + " exited while starting; output:\n" + output());
            }
            try (Connection c = connectionFactory().newConnection("sp-node-probe")) {
                if (c.isOpen()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(200);
        }
        throw new AssertionError(nodeName + " did not accept connections on 127.0.0.1:" + amqpPort + " within 90 s ("
                + last + "); output:\n" + output());
    }

    private void waitForExit() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(nodeName + " did not exit within 60 s");
            }
            // The VM may outlive the script briefly; wait until the AMQP port is free again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - deadline < 0
                    && p.toHandle().descendants().anyMatch(ProcessHandle::isAlive)) {
                sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        process = null;
    }

    private void ctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(BIN.resolve("rabbitmqctl").toString());
        command.add("-n");
        command.add(nodeName);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment());
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run rabbitmqctl: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString()); // the node's own Erlang cookie lives here
        env.put("RABBITMQ_NODENAME", nodeName);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        return env;
    }

    private String output() {
        try {
            Path out = dir.resolve("server.out");
            String text = Files.exists(out) ? Files.readString(out) : "";
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "RabbitNode[" + nodeName + ", amqp 127.0.0.1:" + amqpPort + "]";
    }
}
