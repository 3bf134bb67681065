package dev.scaleplane.events.rabbitmq.internal;

import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How bus concepts map to RabbitMQ names, and the ordering-key hash. Every name starts with the configured name
 * prefix ({@code P} below):
 *
 * <ul>
 *   <li>topic {@code t}: topic exchange {@code P.t}; routing key {@code <bucket>.<event type>};
 *   <li>group {@code g} of topic {@code t}: quorum (or classic) queues {@code P.t.g.0} .. {@code P.t.g.<shards-1>},
 *       shard {@code s} bound with {@code <b>.#} for every bucket {@code b} with {@code b % shards == s} (a single
 *       shard binds {@code #}). The bucket comes first because the broker matches a literal first word directly,
 *       while a leading {@code #} makes it try every split of the key.
 *   <li>the classic queue {@code P.t.g.members}, which no message reaches: each member of the group consumes from
 *       it, so its consumer count tells members how many there are;
 *   <li>dead-letter destination {@code d}: classic queue {@code P.dlq.d};
 *   <li>retry delay of {@code n} ms: fanout exchange and queue {@code P.retry.n} with {@code x-message-ttl = n} and
 *       the default exchange as dead-letter exchange, so that an expired message goes back to the queue named by its
 *       routing key (the shard queue it came from);
 *   <li>{@code P.unrouted}: the alternate exchange of every topic exchange, bound to a queue of length 0, so that an
 *       event published to a topic without groups is accepted (and dropped) rather than returned.
 * </ul>
 *
 * Names longer than RabbitMQ's 255 bytes keep their start and get a hash of the whole name. Stateless.
 */
public final class Names {
    private final String prefix;
    private final int shards;

    /** Names for one bus. */
    public Names(String prefix, int shards) {
        this.prefix = prefix;
        this.shards = shards;
    }

    /** The topic exchange of {@code topic}. */
    public String exchange(String topic) {
        return limit(prefix + "." + topic);
    }

    /** The shard queue {@code shard} of a group. */
    public String shardQueue(String topic, String group, int shard) {
        return limit(prefix + "." + topic + "." + group + "." + shard);
    }

    /**
     * The presence queue of a group: never receives messages; every member consumes from it, so its consumer count
     * is the number of members (single-active-consumer queues do not report waiting consumers reliably).
     */
    public String presenceQueue(String topic, String group) {
        return limit(prefix + "." + topic + "." + group + ".members");
    }

    /** The queue of a dead-letter destination. */
    public String deadLetterQueue(String destination) {
        return limit(prefix + ".dlq." + destination);
    }

    /** The retry exchange and queue of a delay. */
    public String retry(long delayMillis) {
        return prefix + ".retry." + delayMillis;
    }

    /** The alternate exchange (and its queue) of every topic exchange. */
    public String unrouted() {
        return prefix + ".unrouted";
    }

    /** Shards per group. */
    public int shards() {
        return shards;
    }

    /** The routing key of an event: the bucket of its ordering key, a dot, and its type. */
    public static String routingKey(String type, String orderingKey) {
        return bucket(orderingKey) + "." + type;
    }

    /** The binding keys of shard {@code shard}. */
    public String[] bindingKeys(int shard) {
        if (shards == 1) {
            return new String[] {"#"};
        }
        String[] keys = new String[(RabbitBusConfig.BUCKETS - shard + shards - 1) / shards];
        for (int b = shard, i = 0; b < RabbitBusConfig.BUCKETS; b += shards, i++) {
            keys[i] = b + ".#";
        }
        return keys;
    }

    /** The shard a key's events go to. */
    public int shardOf(String orderingKey) {
        return bucket(orderingKey) % shards;
    }

    /**
     * The bucket of an ordering key: FNV-1a (32 bit) of its UTF-8 bytes, modulo {@value RabbitBusConfig#BUCKETS}.
     * Written out so that producers in other languages can compute the same routing key.
     */
    public static int bucket(String orderingKey) {
        int h = 0x811c9dc5;
        for (byte b : orderingKey.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x01000193;
        }
        return Integer.remainderUnsigned(h, RabbitBusConfig.BUCKETS);
    }

    private static String limit(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= 255) {
            return name;
        }
        String hash = Integer.toHexString(name.hashCode()).toLowerCase(Locale.ROOT);
        return name.substring(0, 200) + "~" + hash;
    }
}
