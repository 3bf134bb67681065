package dev.scaleplane.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A backend (a broker, a database) could not be reached or refused the connection. The message names the system,
 * the addresses tried, the configuration key that holds them and what went wrong, e.g. "Kafka brokers 127.0.0.1:1
 * (scaleplane.events.kafka.bootstrap-servers) are unreachable: ...", so the fix is in the message rather than in a
 * symptom downstream. It never holds a password: only the user name, where one is relevant.
 *
 * <p>Thrown at build time when a backend is configured to fail fast, and as the cause of a failed operation (a
 * publish, a submit) when the backend was never reached.
 */
public class BackendUnreachableException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String system;
    private final String addresses;
    private final String setting;

    /**
     * Creates the exception.
     *
     * @param system what was not reached, e.g. "Kafka brokers", "RabbitMQ broker", "PostgreSQL server"
     * @param addresses the addresses tried, as configured (host:port, a URL without credentials)
     * @param setting the configuration key holding the addresses
     * @param problem what went wrong, e.g. "are unreachable: connection refused"
     */
    public BackendUnreachableException(
            String system, String addresses, String setting, String problem, @Nullable Throwable cause) {
        super(system + " " + addresses + " (" + setting + ") " + problem, cause);
        this.system = Objects.requireNonNull(system, "system");
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /** The system not reached, e.g. "Kafka brokers". */
    public String system() {
        return system;
    }

    /** The addresses tried, as configured. */
    public String addresses() {
        return addresses;
    }

    /** The configuration key that holds the addresses. */
    public String setting() {
        return setting;
    }
}
