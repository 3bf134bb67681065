package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-key mutex: at most one task of a key is leased at a time, across every process sharing the queue. Inside
 * this process a set of leased keys; across processes an exclusive queue {@code Q.lock.<sha>} of this connection per
 * leased key. Another connection's declaration of it fails with {@code RESOURCE_LOCKED}, and the broker deletes it
 * when this process dies, so a dead process never keeps a key locked.
 *
 * <p>A lease call skips a key another process holds for the rest of the call, so {@code prefetch} bounds how far past
 * busy keys it looks.
 *
 * <p>Guarded by the queue's monitor: every method is called with it held. Broker operations run on the auxiliary
 * channel, which a refused lock closes without touching the held deliveries.
 */
final class KeyLocks {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLocks.class);
    /** The reply code of a queue declared exclusive by another connection. */
    private static final int RESOURCE_LOCKED = 405;

    private final Topology topology;
    private final BrokerLink broker;
    private final String queue;
    private final Set<String> leasedKeys = new HashSet<>();
    /** Keys another process holds, found by the current lease call. */
    private final Set<String> busyKeys = new HashSet<>();

    KeyLocks(Topology topology, BrokerLink broker, String queue) {
        this.topology = topology;
        this.broker = broker;
        this.queue = queue;
    }

    /** A lease call starts: keys found busy elsewhere by the previous one may be free now. */
    void newCall() {
        busyKeys.clear();
    }

    /** Whether a task of {@code key} may be leased as far as this process knows: not leased here, not found busy. */
    boolean mayLease(String key) {
        return !leasedKeys.contains(key) && !busyKeys.contains(key);
    }

    /**
     * Takes the broker-wide lock of a task key: an exclusive queue of this connection. Another connection holding
     * it makes the broker refuse the declaration (RESOURCE_LOCKED): the key is then skipped for the rest of this call.
     * A connection that dies releases its locks.
     *
     * @return whether this process now holds the key
     */
    boolean lock(String key) {
        try {
            broker.aux().queueDeclare(topology.lockQueue(key), false, true, true, Map.of("x-queue-type", "classic"));
            return true;
        } catch (IOException e) {
            broker.auxBroken(); // the broker closed it
            if (BrokerLink.isChannelError(e, RESOURCE_LOCKED)) {
                busyKeys.add(key); // another process holds a task of this key: skip the key in this call
                return false;
            }
            throw broker.sideFailure("lock task key " + key, e);
        }
    }

    /** A task of the key is leased here now. */
    void leased(String key) {
        leasedKeys.add(key);
    }

    /** The lease of a task of the key ended: releases the key here and broker-wide. */
    void release(String key) {
        leasedKeys.remove(key);
        try {
            Channel a = broker.auxIfConnected();
            if (a == null) {
                return; // a closed connection took its exclusive queues, the locks, with it
            }
            a.queueDelete(topology.lockQueue(key));
        } catch (IOException | RuntimeException e) {
            broker.auxBroken();
            LOG.warn("Could not release the lock of task key {} on {}: {}", key, queue, e.toString());
        }
    }

    /** The queue closes: its connection takes the locks with it. */
    void clear() {
        leasedKeys.clear();
    }
}
