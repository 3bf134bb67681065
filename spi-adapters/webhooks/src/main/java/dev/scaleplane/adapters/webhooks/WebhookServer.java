package dev.scaleplane.adapters.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone receiver on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}), for services that run no
 * web framework of their own:
 *
 * <pre>{@code
 * try (ScaleplanePlatform platform = Scaleplane.builder().build();
 *         WebhookServer server = WebhookServer.start(WebhookReceiver.create(platform))) {
 *     ... // deliveries to http://127.0.0.1:8090/webhooks/<endpoint> become events on platform.events()
 * }
 * }</pre>
 *
 * It listens on {@code scaleplane.webhooks.server.bind-address} (loopback by default: exposing the receiver, usually
 * behind a TLS-terminating proxy, is a decision) and {@code server.port}, and hands each request to {@link
 * WebhookReceiver#handle} on a pool of {@code server.threads} threads. Bodies are read only up to the endpoint's limit:
 * a {@code Content-Length} above it is answered 400 without reading the body. The server speaks plain HTTP; put TLS in
 * front of it.
 *
 * <p>Thread-safe. {@link #close()} lets deliveries in progress finish for up to {@code server.drain-timeout}, then
 * stops listening and closes the connections.
 */
public final class WebhookServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
    /** Requests that may wait for a handler thread before the server's own thread serves them (back-pressure). */
    private static final int QUEUE = 256;

    private final WebhookReceiver receiver;
    private final WebhookSettings.Server settings;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private boolean closed; // guarded by this

    private WebhookServer(WebhookReceiver receiver, WebhookSettings.Server settings) throws IOException {
        this.receiver = receiver;
        this.settings = settings;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                settings.threads(),
                settings.threads(),
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "scaleplane-webhooks-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                // A full queue makes the accepting thread serve the request itself, which slows intake instead of
                // growing memory or dropping the connection.
                new ThreadPoolExecutor.CallerRunsPolicy());
        this.server = HttpServer.create(
                new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()), 0);
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts a server for {@code receiver} with the receiver's server settings.
     *
     * @throws UncheckedIOException if the address cannot be resolved or bound, naming it and its keys
     */
    public static WebhookServer start(WebhookReceiver receiver) {
        return start(receiver, receiver.settings().server());
    }

    /**
     * Starts a server for {@code receiver} with {@code settings}.
     *
     * @throws UncheckedIOException if the address cannot be resolved or bound, naming it and its keys
     */
    public static WebhookServer start(WebhookReceiver receiver, WebhookSettings.Server settings) {
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(settings, "settings");
        try {
            WebhookServer started = new WebhookServer(receiver, settings);
            log.info(
                    "webhook receiver listening on {} for {}",
                    started.uri(""),
                    receiver.settings().endpoints());
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen for webhooks on " + settings.bindAddress() + ":" + settings.port()
                            + " (scaleplane.webhooks.server.bind-address, scaleplane.webhooks.server.port): " + e,
                    e);
        }
    }

    /** The address the server listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The URI of {@code path} on this server, e.g. {@code uri("/webhooks/github")}. */
    public URI uri(String path) {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + path);
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI target = exchange.getRequestURI();
            String path = target.getRawPath();
            int limit = receiver.maxBodyBytes(path);
            WebhookResponse response;
            long declared = contentLength(exchange);
            if (limit > 0 && declared > limit) {
                response = receiver.tooLarge(path, declared); // not read: the JDK drops the connection
            } else {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readNBytes(Math.max(limit, 0) + 1);
                }
                response = limit > 0 && body.length > limit
                        ? receiver.tooLarge(path, body.length)
                        : receiver.handle(new WebhookRequest(
                                exchange.getRequestMethod(),
                                path,
                                target.getRawQuery(),
                                exchange.getRequestHeaders(),
                                body));
            }
            write(exchange, response);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "webhook request to {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
            throw e;
        }
    }

    private static long contentLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void write(HttpExchange exchange, WebhookResponse response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers()
                .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Stops taking requests, lets those in progress finish for up to the drain timeout, then stops listening and
     * closes the connections. Idempotent; does not close the bus.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "webhook deliveries still in progress after {}; closing their connections",
                        settings.drainTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "WebhookServer[" + uri("") + "]";
    }
}
