package dev.scaleplane.kafka.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running as its own JVM on
 * 127.0.0.1, for tests and benchmarks. No Docker and no installation: the broker's class path is the one Maven
 * resolved for this module ({@code org.apache.kafka:kafka_2.13} with a log4j2 backend), written at build time into
 * the resource {@code dev/scaleplane/kafka/testing/broker.classpath}.
 *
 * <p>{@link #start()} picks free ports (broker, controller and, when asked for, a SASL/PLAIN listener), writes
 * {@code server.properties} into a fresh temporary directory, formats the storage there with
 * {@code kafka.tools.StorageTool format}, launches {@code kafka.Kafka} and returns once an {@link Admin} client sees
 * the broker in the cluster. Every replication factor and min ISR is 1, the first consumer-group rebalance is not
 * delayed, and topics are not auto-created (clients must create the topics they use). Because the broker is a
 * separate process, {@link #kill9()} really kills it without letting it flush or close anything, and
 * {@link #restart()} brings it back on the same data directory and the same ports.
 *
 * <h2>Sharing</h2>
 *
 * {@link #shared()} returns one broker per test JVM, started on first use and stopped by a shutdown hook; use it for
 * tests that only need a broker to talk to (topics and groups with unique names keep tests apart). Tests that stop,
 * kill or restart the broker must start their own with {@link #builder()} and close it, typically once per test
 * class.
 *
 * <p>If the broker cannot start, {@link #start()} throws an {@link IllegalStateException} with the reason and the
 * last lines of the broker's log, so a test run fails with something to act on.
 *
 * <p>Thread-safety: the lifecycle methods are {@code synchronized}; the accessors may be called from any thread.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The default maximum heap of the broker JVM. */
    public static final String DEFAULT_MAX_HEAP = "512m";

    private static final String CLASSPATH_RESOURCE = "broker.classpath";
    private static final int LOG_TAIL_LINES = 60;
    private static @Nullable KafkaBroker shared;

    private final String maxHeap;
    private final Map<String, String> saslUsers;
    private final Map<String, String> overrides;
    private final Duration startTimeout;
    private final List<String> classPath;

    private @Nullable Path dataDir;
    private int port;
    private int controllerPort;
    private int saslPort;
    private @Nullable Process process;
    private @Nullable Thread shutdownHook;
    private boolean closed;

    private KafkaBroker(Builder builder) {
        this.maxHeap = builder.maxHeap;
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.overrides = Map.copyOf(builder.overrides);
        this.startTimeout = builder.startTimeout;
        this.classPath = brokerClassPath();
    }

    /** A builder for a broker of its own; start it with {@link #start()} and {@link #close()} it when done. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The broker shared by every test of this JVM: started on the first call, stopped when the JVM exits. Do not
     * stop, kill, restart or close it; start a broker of your own for that.
     *
     * @throws IllegalStateException if it cannot start (with the reason and the broker's log tail)
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            KafkaBroker broker = builder().build();
            broker.start();
            shared = broker;
        }
        return shared;
    }

    /**
     * Formats storage in a new temporary directory (on the first start only) and starts the broker, then waits until
     * it serves requests. A later call after {@link #stop()} or {@link #kill9()} starts it again on the same data and
     * ports. Does nothing when the broker is already running.
     *
     * @return this broker
     * @throws IllegalStateException if the broker does not become ready within the start timeout, or its process
     *     exits; the message holds the reason and the tail of the broker's log
     */
    public synchronized KafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("this broker was closed; build a new one");
        }
        if (isRunning()) {
            return this;
        }
        try {
            if (dataDir == null) {
                dataDir = Files.createTempDirectory("scaleplane-kafka-");
                int[] ports = freePorts(saslUsers.isEmpty() ? 2 : 3);
                port = ports[0];
                controllerPort = ports[1];
                saslPort = saslUsers.isEmpty() ? -1 : ports[2];
                writeConfig();
                format();
            }
            launch();
            awaitReady();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Kafka broker: " + e + logTail(), e);
        }
    }

    /** Stops the broker gracefully (SIGTERM, up to 30 s, then forcibly); data stays for {@link #restart()}. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
    }

    /**
     * Kills the broker process with SIGKILL ({@link Process#destroyForcibly()}), as a crash would: nothing is flushed
     * or closed. Returns once the process is gone. Data written to the OS stays for {@link #restart()}.
     */
    public synchronized void kill9() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the broker if it runs, then starts it again on the same data directory and ports. */
    public synchronized KafkaBroker restart() {
        stop();
        return start();
    }

    /** Stops the broker and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        removeShutdownHook();
        deleteDataDir();
    }

    /** Whether the broker process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id of the running broker. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return process.pid();
    }

    /** {@code bootstrap.servers} of the PLAINTEXT listener, e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        requireStarted();
        return "127.0.0.1:" + port;
    }

    /**
     * {@code bootstrap.servers} of the SASL_PLAINTEXT listener with mechanism PLAIN.
     *
     * @throws IllegalStateException if no SASL users were configured with {@link Builder#saslPlainUser}
     */
    public String saslBootstrapServers() {
        requireStarted();
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener; add Builder.saslPlainUser(...)");
        }
        return "127.0.0.1:" + saslPort;
    }

    /** Client properties for the PLAINTEXT listener: {@code bootstrap.servers} only. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** The directory holding the broker's data, configuration and log ({@code broker.log}). */
    public Path dataDirectory() {
        requireStarted();
        return Objects.requireNonNull(dataDir);
    }

    /** The last lines of the broker's log, for failure messages. */
    public String logTail() {
        Path dir = dataDir;
        if (dir == null || !Files.exists(dir.resolve("broker.log"))) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(dir.resolve("broker.log"), StandardCharsets.UTF_8);
            int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
            return "\n--- last lines of " + dir.resolve("broker.log") + " ---\n"
                    + String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "\n(could not read the broker log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker{" + (dataDir == null ? "not started" : "127.0.0.1:" + port) + ", running=" + isRunning()
                + '}';
    }

    private void requireStarted() {
        if (dataDir == null) {
            throw new IllegalStateException("the broker was never started; call start() first");
        }
    }

    private void writeConfig() throws IOException {
        Path dir = Objects.requireNonNull(dataDir);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String protocolMap = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (saslPort > 0) {
            listeners += ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
            protocolMap += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
            props.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            props.put(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    jaas.append(';').toString());
        }
        props.put("listeners", listeners);
        props.put("advertised.listeners", listeners.replaceAll(",?CONTROLLER://[^,]*", ""));
        props.put("listener.security.protocol.map", protocolMap);
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("metadata.log.dir", dir.resolve("metadata").toString());
        props.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions than the default 50: creating them is most of a fresh broker's start-up on 2 cores.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.putAll(overrides);
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve("server.properties"), text.toString());
        Files.writeString(
                dir.resolve("log4j2.properties"),
                String.join(
                        "\n",
                        "status = warn",
                        "appender.out.type = Console",
                        "appender.out.name = OUT",
                        "appender.out.layout.type = PatternLayout",
                        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                        "rootLogger.level = info",
                        "rootLogger.appenderRef.out.ref = OUT",
                        // The request and state-change loggers repeat every request; they drown the useful lines.
                        "logger.request.name = kafka.request.logger",
                        "logger.request.level = warn",
                        "logger.state.name = state.change.logger",
                        "logger.state.level = warn",
                        ""));
    }

    private void format() throws IOException {
        Path dir = Objects.requireNonNull(dataDir);
        // The cluster id is what `StorageTool random-uuid` prints; generating it here saves starting one more JVM.
        String clusterId = Uuid.randomUuid().toString();
        List<String> command = javaCommand("kafka.tools.StorageTool");
        command.addAll(List.of(
                "format",
                "-t",
                clusterId,
                "-c",
                dir.resolve("server.properties").toString(),
                "--ignore-formatted"));
        Process format = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()))
                .start();
        try {
            if (!format.waitFor(120, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker storage took over 120 s" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            format.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting the broker storage", e);
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException(
                    "kafka.tools.StorageTool format exited with " + format.exitValue() + logTail());
        }
    }

    private void launch() throws IOException {
        Path dir = Objects.requireNonNull(dataDir);
        List<String> command = javaCommand("kafka.Kafka");
        command.add(dir.resolve("server.properties").toString());
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()))
                .start();
        if (shutdownHook == null) {
            // A test JVM that exits without closing the broker must not leave it running.
            Thread hook = new Thread(this::destroyOnExit, "kafka-broker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        }
    }

    private void destroyOnExit() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS); // files are deleted only once the broker no longer writes them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The JVM that owns the broker is exiting, so nobody can restart it: its data only fills the temp folder.
        deleteDataDir();
    }

    private List<String> javaCommand(String mainClass) {
        Path dir = Objects.requireNonNull(dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-Xms128m");
        command.add("-XX:+UseG1GC");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, classPath));
        command.add(mainClass);
        return command;
    }

    private void awaitReady() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                Process p = Objects.requireNonNull(process);
                if (!p.isAlive()) {
                    process = null;
                    throw new IllegalStateException(
                            "the Kafka broker process exited with " + p.exitValue() + " while starting" + logTail());
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(200);
            }
        }
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            process = null;
        }
        throw new IllegalStateException("the Kafka broker on 127.0.0.1:" + port + " was not ready within "
                + startTimeout + " (last error: " + last + ")" + logTail());
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook runs anyway.
            }
            shutdownHook = null;
        }
    }

    private void deleteDataDir() {
        Path dir = dataDir;
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the directory is under the system temp folder.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        // Hold every socket until all are picked, so the ports are distinct.
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static List<String> brokerClassPath() {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + CLASSPATH_RESOURCE + " is missing next to "
                        + KafkaBroker.class.getName() + "; build scaleplane-kafka-testing with Maven (its"
                        + " generate-resources phase writes it)");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> entries = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String entry : text.split(java.io.File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                entries.add(entry);
                if (!Files.exists(Path.of(entry))) {
                    missing.add(entry);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the Kafka broker class path names files that do not exist: " + missing
                        + "; rebuild scaleplane-kafka-testing with Maven so it resolves them");
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE, e);
        }
    }

    /** Builds a {@link KafkaBroker}. Not thread-safe. */
    public static final class Builder {
        private String maxHeap = DEFAULT_MAX_HEAP;
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder() {}

        /** Maximum heap of the broker JVM, as for {@code -Xmx}; default {@value KafkaBroker#DEFAULT_MAX_HEAP}. */
        public Builder maxHeap(String maxHeap) {
            if (!maxHeap.matches("\\d+[kmgKMG]?")) {
                throw new IllegalArgumentException("maxHeap must look like 512m, but was " + maxHeap);
            }
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * Adds a SASL_PLAINTEXT listener with mechanism PLAIN (see {@link KafkaBroker#saslBootstrapServers()}) and a
         * user allowed on it. Call once per user.
         */
        public Builder saslPlainUser(String user, String password) {
            if (!user.matches("[A-Za-z0-9_-]+") || password.contains("\"")) {
                throw new IllegalArgumentException("SASL user must be letters, digits, _ or -, and the password"
                        + " must not contain a double quote");
            }
            saslUsers.put(user, password);
            return this;
        }

        /** Sets (or overrides) one line of the broker's {@code server.properties}. */
        public Builder serverProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long {@link KafkaBroker#start()} waits for the broker to serve requests; default 120 s. */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, but was " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** A broker with these settings, not started yet. */
        public KafkaBroker build() {
            return new KafkaBroker(this);
        }
    }
}
