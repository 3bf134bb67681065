package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.core.orchestration.support.IdempotencyWindow;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys: the keys this process has seen within the window (an {@link IdempotencyWindow} of handles), and
 * the claim of a key across processes. A key is claimed broker-wide by a one-message claim queue {@code Q.idem.<sha>}
 * ({@code x-max-length=1}, {@code reject-publish}): the first claim is confirmed and every later one nacked until the
 * claim expires. The claim's expiry is read on the task clock; the queue's TTLs ({@code x-message-ttl},
 * {@code x-expires}) only clean up.
 *
 * <p>One queue per key inside the window, so meant for keys on a modest share of submissions; a crash between claim
 * and submit leaves a claim on a task that does not exist.
 *
 * <p>Guarded by the queue's monitor: every method is called with it held. Broker operations run on the auxiliary
 * channel.
 */
final class IdempotencyClaims {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyClaims.class);
    private static final String H_CLAIM_EXPIRES = "x-sp-claim-expires";
    /** x-message-ttl and x-expires are 32-bit millisecond counts; 24 days stays well inside. */
    private static final long MAX_TTL_MS = Duration.ofDays(24).toMillis();

    /** The task that holds a key's claim, and until when. */
    record Claim(String taskId, Instant expiresAt) {}

    private final Topology topology;
    private final BrokerLink broker;
    private final Duration window;
    private final Duration confirmTimeout;
    private final IdempotencyWindow<TaskHandle> seen;

    IdempotencyClaims(Topology topology, BrokerLink broker, Duration window, Duration confirmTimeout) {
        this.topology = topology;
        this.broker = broker;
        this.window = window;
        this.confirmTimeout = confirmTimeout;
        this.seen = new IdempotencyWindow<>(window);
    }

    /** The handle of the task this process knows for {@code key} inside its window, if any. */
    @Nullable
    TaskHandle find(String key, Instant now) {
        return seen.find(key, now);
    }

    /** Remembers the handle of the task this process submitted with {@code key}, for the window from {@code now}. */
    void remember(String key, TaskHandle handle, Instant now) {
        seen.remember(key, handle, now);
    }

    /** Remembers the handle of the task that holds another process's claim of {@code key}, until the claim expires. */
    void rememberUntil(String key, TaskHandle handle, Instant expiresAt) {
        seen.rememberUntil(key, handle, expiresAt);
    }

    /**
     * Claims an idempotency key for {@code taskId} across processes.
     *
     * @return null if the key is now claimed for {@code taskId}, else the claim holder's task id and expiry
     */
    @Nullable
    Claim claim(String key, String taskId, Instant now) {
        String name = topology.claimQueue(key);
        long ttl = Math.min(window.toMillis(), MAX_TTL_MS);
        Map<String, Object> args = Map.of(
                "x-queue-type",
                "classic",
                "x-max-length",
                1,
                "x-overflow",
                "reject-publish",
                "x-message-ttl",
                ttl,
                "x-expires",
                Math.min(ttl + 60_000, MAX_TTL_MS));
        Instant expiresAt = now.plus(window);
        for (int tries = 0; tries < 5; tries++) {
            try {
                Channel a = broker.aux();
                a.queueDeclare(name, true, false, false, args);
                a.basicPublish(
                        "",
                        name,
                        new AMQP.BasicProperties.Builder()
                                .messageId(taskId)
                                .deliveryMode(2)
                                .headers(Map.of(H_CLAIM_EXPIRES, expiresAt.toString()))
                                .build(),
                        new byte[0]);
                if (a.waitForConfirms(confirmTimeout.toMillis())) {
                    return null;
                }
                GetResponse r = a.basicGet(name, false);
                if (r == null) {
                    continue; // the claim expired in between: claim again
                }
                Map<String, Object> h = r.getProps().getHeaders() == null
                        ? Map.of()
                        : r.getProps().getHeaders();
                String until = TaskMessage.optional(h, H_CLAIM_EXPIRES);
                Instant holderExpires = until == null ? Instant.MIN : Instant.parse(until);
                if (!holderExpires.isAfter(now)) {
                    a.basicAck(r.getEnvelope().getDeliveryTag(), false); // stale by the task clock: remove it
                    continue;
                }
                a.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
                return new Claim(Objects.requireNonNullElse(r.getProps().getMessageId(), ""), holderExpires);
            } catch (IOException e) {
                broker.auxBroken();
                throw broker.sideFailure("claim idempotency key " + key + " (queue " + name + ")", e);
            } catch (TimeoutException e) {
                throw new ScaleplaneException("no confirm for the claim of idempotency key " + key, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScaleplaneException("interrupted while claiming idempotency key " + key, e);
            }
        }
        throw new ScaleplaneException(
                "idempotency key " + key + " is being claimed and released concurrently;" + " try again");
    }

    /** Withdraws this process's claim after its submission failed. */
    void unclaim(String key) {
        try {
            GetResponse r = broker.aux().basicGet(topology.claimQueue(key), true);
            if (r == null) {
                LOG.warn("The claim of idempotency key {} was already gone", key);
            }
        } catch (IOException | RuntimeException e) {
            broker.auxBroken();
            LOG.warn("Could not withdraw the claim of idempotency key {}: {}", key, e.toString());
        }
    }
}
