package dev.scaleplane.events.rabbitmq.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The machine's shared RabbitMQ broker: 127.0.0.1:5672, user {@code guest}/{@code guest}. Tests never use its default
 * virtual host for their own topology: {@link #newVirtualHost()} creates a throw-away virtual host (through
 * {@code rabbitmqctl}, which works as root here and needs no management plugin) and deletes it, with everything
 * declared in it, on {@link VirtualHost#close()}.
 *
 * <p>An unreachable broker fails the test with instructions on how to start one; it never skips. Thread-safe.
 */
public final class SharedRabbit {
    public static final String HOST = "127.0.0.1";
    /**
     * 5672, or the system property {@code scaleplane.test.rabbitmq.port}: with {@code scaleplane.test.rabbitmq.node}
     * (the node name {@code rabbitmqctl -n} takes) it points the tests at another node of this machine, e.g. one
     * started by hand to try a change without putting the shared broker at risk.
     */
    public static final int PORT = Integer.getInteger("scaleplane.test.rabbitmq.port", 5672);

    private static final String NODE = System.getProperty("scaleplane.test.rabbitmq.node", "");
    public static final String USER = "guest";
    public static final String PASSWORD = "guest";

    private static final String HOW_TO_START = "Start it with\n"
            + "    rabbitmq-server -detached\n"
            + "(listening on 127.0.0.1:5672, see /etc/rabbitmq/rabbitmq.conf: listeners.tcp.local = 127.0.0.1:5672)\n"
            + "or install it first with\n"
            + "    apt-get install -y rabbitmq-server\n"
            + "The tests log in as guest/guest, which RabbitMQ allows from localhost by default.";

    private static volatile boolean checked;

    private SharedRabbit() {}

    /**
     * Opens and closes one connection to the shared broker.
     *
     * @throws AssertionError if the broker is not reachable, with how to start it
     */
    public static void check() {
        if (checked) {
            return;
        }
        ConnectionFactory cf = connectionFactory("/");
        try (Connection c = cf.newConnection("scaleplane-test-probe")) {
            if (!c.isOpen()) {
                throw new IOException("connection closed right after opening");
            }
            checked = true;
        } catch (IOException | TimeoutException e) {
            throw new AssertionError(
                    "RabbitMQ is not reachable at " + HOST + ":" + PORT + " as " + USER + " (" + e + "). "
                            + HOW_TO_START,
                    e);
        }
    }

    /** A connection factory for the shared broker and the given virtual host, without checking the broker. */
    public static ConnectionFactory connectionFactory(String virtualHost) {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost(HOST);
        cf.setPort(PORT);
        cf.setUsername(USER);
        cf.setPassword(PASSWORD);
        cf.setVirtualHost(virtualHost);
        cf.setConnectionTimeout(5_000);
        return cf;
    }

    /** A name no other test uses: the prefix, a dash and 12 random hex characters. */
    public static String uniqueName(String prefix) {
        return prefix + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    /**
     * Checks the broker, then creates a fresh virtual host {@code sp-test-<random>} on it with full permissions for
     * {@code guest}.
     *
     * @throws AssertionError if the broker is unreachable or {@code rabbitmqctl} fails
     */
    public static VirtualHost newVirtualHost() {
        check();
        String name = uniqueName("sp-test");
        rabbitmqctl("add_vhost", name);
        rabbitmqctl("set_permissions", "-p", name, USER, ".*", ".*", ".*");
        return new VirtualHost(name);
    }

    /**
     * Runs {@code rabbitmqctl} against the shared node and returns its standard output.
     *
     * @throws AssertionError if it exits with a non-zero status or does not finish within 60 seconds
     */
    public static String rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        if (!NODE.isEmpty()) {
            command.add("-n");
            command.add(NODE);
        }
        command.addAll(List.of(args));
        return Processes.run(command, 60);
    }

    /**
     * A throw-away virtual host on the shared broker. {@link #close()} deletes it with all its exchanges and queues.
     */
    public static final class VirtualHost implements AutoCloseable {
        private final String name;

        VirtualHost(String name) {
            this.name = name;
        }

        /** The virtual host's name. */
        public String name() {
            return name;
        }

        /** A connection factory for this virtual host. */
        public ConnectionFactory connectionFactory() {
            return SharedRabbit.connectionFactory(name);
        }

        /** Deletes the virtual host and everything in it. */
        @Override
        public void close() {
            rabbitmqctl("delete_vhost", name);
        }

        @Override
        public String toString() {
            return "VirtualHost[" + name + "]";
        }
    }

    /** Small helper for running the broker's command-line tools. */
    static final class Processes {
        private Processes() {}

        static String run(List<String> command, int timeoutSeconds) {
            try {
                Process p =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                byte[] out;
                try (InputStream in = p.getInputStream()) {
                    out = in.readAllBytes();
                }
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                String text = new String(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new AssertionError(
                            String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + text);
                }
                return text;
            } catch (IOException e) {
                throw new AssertionError(
                        "could not run " + String.join(" ", command) + " (" + e
                                + "); is rabbitmq-server installed (apt-get install -y rabbitmq-server)?",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running " + String.join(" ", command), e);
            }
        }
    }
}
