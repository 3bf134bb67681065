package dev.scaleplane.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.Platform;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A wrong port (a closed local one, no broker needed) or a wrong password (against the machine's broker): the typed
 * error names the broker's address, the user and the keys to fix, and never the password.
 */
class RabbitUnreachableTest {
    private static final String WRONG_PASSWORD = "not-the-password-4711";

    private int closedPort;

    @BeforeEach
    void closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    /** Builds a platform from {@code config} and asks for the bus and the task queue; returns what was thrown. */
    private static Throwable start(Map<String, String> config) {
        return catchThrowable(() -> {
            try (Platform platform =
                    Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
                platform.events();
                platform.tasks();
            }
        });
    }

    private static String trace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void a_closed_port_fails_the_bus_naming_the_broker_the_user_and_the_keys() {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "rabbitmq");
        config.put("scaleplane.tasks.provider", "memory");
        config.put(RabbitBusConfig.HOST, "127.0.0.1");
        config.put(RabbitBusConfig.PORT, String.valueOf(closedPort));

        Throwable failure = start(config);

        assertThat(failure).isInstanceOf(BackendUnreachableException.class);
        assertThat(failure.getMessage())
                .isEqualTo("RabbitMQ broker 127.0.0.1:" + closedPort + " (" + RabbitBusConfig.HOST + ", "
                        + RabbitBusConfig.PORT + ") is unreachable: connection refused; is RabbitMQ running and"
                        + " listening there? (virtual host /, user guest, for the event bus)");
        BackendUnreachableException e = (BackendUnreachableException) failure;
        assertThat(e.addresses()).isEqualTo("127.0.0.1:" + closedPort);
    }

    @Test
    void a_closed_port_fails_the_task_queue_naming_its_own_keys() {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "memory");
        config.put("scaleplane.tasks.provider", "rabbitmq");
        config.put(RabbitTaskQueueConfig.PORT, String.valueOf(closedPort));

        Throwable failure = start(config);

        assertThat(failure)
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageStartingWith("RabbitMQ broker 127.0.0.1:" + closedPort + " (" + RabbitTaskQueueConfig.HOST
                        + ", " + RabbitTaskQueueConfig.PORT + ") is unreachable: connection refused")
                .hasMessageContaining("for the RabbitMQ task queue scaleplane.tasks");
    }

    @Test
    void a_uri_is_named_as_the_setting_with_its_password_redacted_nowhere_needed() {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "rabbitmq");
        config.put("scaleplane.tasks.provider", "memory");
        config.put(RabbitBusConfig.URI_KEY, "amqp://alice:" + WRONG_PASSWORD + "@127.0.0.1:" + closedPort + "/orders");

        Throwable failure = start(config);

        assertThat(failure)
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageContaining("RabbitMQ broker 127.0.0.1:" + closedPort + " (" + RabbitBusConfig.URI_KEY + ")")
                .hasMessageContaining("(virtual host orders, user alice, for the event bus)");
        assertThat(trace(failure)).doesNotContain(WRONG_PASSWORD);
    }

    /** Needs the machine's broker (127.0.0.1:5672); logging in with a wrong password changes nothing on it. */
    @Test
    void a_wrong_password_is_a_refused_login_naming_the_user_and_the_credential_keys_but_not_the_password() {
        SharedRabbit.check();
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "rabbitmq");
        config.put("scaleplane.tasks.provider", "memory");
        config.put(RabbitBusConfig.HOST, SharedRabbit.HOST);
        config.put(RabbitBusConfig.PORT, String.valueOf(SharedRabbit.PORT));
        config.put(RabbitBusConfig.USERNAME, SharedRabbit.USER);
        config.put(RabbitBusConfig.PASSWORD, WRONG_PASSWORD);

        Throwable failure = start(config);

        assertThat(failure)
                .isInstanceOf(BackendUnreachableException.class)
                .hasMessageStartingWith("RabbitMQ broker " + SharedRabbit.HOST + ":" + SharedRabbit.PORT + " ("
                        + RabbitBusConfig.USERNAME + ", " + RabbitBusConfig.PASSWORD + ") refused the login of user '"
                        + SharedRabbit.USER + "' on virtual host /: the user name or password is wrong");
        assertThat(((BackendUnreachableException) failure).setting())
                .isEqualTo(RabbitBusConfig.USERNAME + ", " + RabbitBusConfig.PASSWORD);
        assertThat(trace(failure)).doesNotContain(WRONG_PASSWORD);
    }
}
