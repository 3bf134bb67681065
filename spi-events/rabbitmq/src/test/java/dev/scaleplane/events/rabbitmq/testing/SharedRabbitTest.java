package dev.scaleplane.events.rabbitmq.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.Test;

class SharedRabbitTest {

    @Test
    void aVirtualHostIsUsableAndGoneAfterClose() throws Exception {
        String name;
        try (SharedRabbit.VirtualHost vhost = SharedRabbit.newVirtualHost()) {
            name = vhost.name();
            try (Connection c = vhost.connectionFactory().newConnection();
                    Channel ch = c.createChannel()) {
                String q = ch.queueDeclare().getQueue();
                ch.basicPublish("", q, null, new byte[] {1});
                org.awaitility.Awaitility.await().until(() -> ch.messageCount(q) == 1);
            }
        }
        assertThat(SharedRabbit.rabbitmqctl("list_vhosts")).doesNotContain(name);
        assertThatThrownBy(() -> SharedRabbit.connectionFactory(name).newConnection())
                .isInstanceOf(Exception.class);
    }
}
