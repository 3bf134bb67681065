package dev.scaleplane.events.rabbitmq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A per-test virtual host is gone, with its queues, before the next test starts: what keeps a class that declares
 * hundreds of quorum queues from exhausting the broker's file handle reservations (see {@link ThrowAwayVirtualHost}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThrowAwayVirtualHostTest {
    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perTest();

    private static String firstHost;

    @Test
    @Order(1)
    void aTestDeclaresQuorumQueuesInAHostOfItsOwn() throws Exception {
        firstHost = vhost.name();
        try (Connection c = vhost.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            for (int i = 0; i < 3; i++) {
                ch.queueDeclare("q" + i, true, false, false, Map.of("x-queue-type", "quorum"));
            }
        }
        assertThat(SharedRabbit.rabbitmqctl("list_queues", "-p", firstHost, "name"))
                .contains("q0", "q1", "q2");
    }

    @Test
    @Order(2)
    void theNextTestFindsThatHostDeletedWithItsQueues() {
        assertThat(firstHost).as("the first test ran").isNotNull();
        assertThat(vhost.name()).isNotEqualTo(firstHost);
        assertThat(SharedRabbit.rabbitmqctl("list_vhosts", "name"))
                .contains(vhost.name())
                .doesNotContain(firstHost);
    }
}
