package dev.scaleplane.events.rabbitmq.testing;

import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives tests a throw-away virtual host on the shared broker ({@link
 * SharedRabbit#newVirtualHost()}) and deletes it, with everything declared in it, afterwards. Register it in a static
 * field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ThrowAwayVirtualHost VHOST = ThrowAwayVirtualHost.perTest();
 * ... VHOST.name() ...
 * }</pre>
 *
 * <p>{@link #perTest()} creates a virtual host before each test (before its {@code @BeforeEach} methods) and deletes it
 * after the test's {@code @AfterEach} methods, so after the test closed its clients. Tests that declare quorum queues
 * by the dozen need it: RabbitMQ 3.10 reserves file handles for every quorum queue (three on a single node) until the
 * queue is deleted, and once the reservations reach the node's limit (about 90% of its {@code ulimit -n}; 927 of
 * 1,024 on this machine's broker and CI's) every process that asks for a handle waits forever: a classic queue's
 * declaration, a new connection, {@code rabbitmqctl status}. One task queue declares eleven quorum queues (five
 * bands, delayed, dead, four wait queues), so a class that keeps them until it ends wedges such a broker after about
 * 28 task queues. For a {@code @TestFactory} the host lives as long
 * as all its dynamic tests (JUnit has no callbacks around each of them).
 *
 * <p>{@link #perClass()} creates one before the class's {@code @BeforeAll} methods and deletes it after its {@code
 * @AfterAll} methods, for classes whose tests declare few queues each.
 *
 * <p>Thread-safe for reading {@link #name()} from the test's threads.
 */
public final class ThrowAwayVirtualHost
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean perTest;
    private volatile SharedRabbit.@Nullable VirtualHost current;

    private ThrowAwayVirtualHost(boolean perTest) {
        this.perTest = perTest;
    }

    /** A new virtual host for each test, deleted after it. */
    public static ThrowAwayVirtualHost perTest() {
        return new ThrowAwayVirtualHost(true);
    }

    /** One virtual host for the whole test class, deleted after it. */
    public static ThrowAwayVirtualHost perClass() {
        return new ThrowAwayVirtualHost(false);
    }

    /**
     * The current virtual host's name.
     *
     * @throws IllegalStateException outside the tests it serves (a per-test host in {@code @BeforeAll})
     */
    public String name() {
        return current().name();
    }

    /** A connection factory for the current virtual host. */
    public ConnectionFactory connectionFactory() {
        return current().connectionFactory();
    }

    /**
     * The settings of a task queue named {@code queue} in the current virtual host (host, port, user, password,
     * virtual host, queue), in a mutable map that tests add their own keys to.
     */
    public Map<String, String> taskQueueSettings(String queue) {
        Map<String, String> m = new HashMap<>();
        m.put(RabbitTaskQueueConfig.HOST, SharedRabbit.HOST);
        m.put(RabbitTaskQueueConfig.PORT, String.valueOf(SharedRabbit.PORT));
        m.put(RabbitTaskQueueConfig.USERNAME, SharedRabbit.USER);
        m.put(RabbitTaskQueueConfig.PASSWORD, SharedRabbit.PASSWORD);
        m.put(RabbitTaskQueueConfig.VIRTUAL_HOST, name());
        m.put(RabbitTaskQueueConfig.QUEUE, queue);
        return m;
    }

    private SharedRabbit.VirtualHost current() {
        SharedRabbit.VirtualHost vhost = current;
        if (vhost == null) {
            throw new IllegalStateException("no virtual host now: a " + (perTest ? "per-test" : "per-class")
                    + " ThrowAwayVirtualHost exists only while its " + (perTest ? "test" : "class") + " runs");
        }
        return vhost;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            current = SharedRabbit.newVirtualHost();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perTest) {
            delete();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            current = SharedRabbit.newVirtualHost();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            delete();
        }
    }

    private void delete() {
        SharedRabbit.VirtualHost vhost = current;
        current = null;
        if (vhost != null) {
            vhost.close();
        }
    }

    @Override
    public String toString() {
        SharedRabbit.VirtualHost vhost = current;
        return "ThrowAwayVirtualHost[" + (perTest ? "per test" : "per class") + ", "
                + (vhost == null ? "none now" : vhost.name()) + "]";
    }
}
