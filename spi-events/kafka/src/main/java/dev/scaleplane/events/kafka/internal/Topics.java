package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.events.kafka.KafkaBusConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Names the topics of the bus and creates missing ones through the {@link Admin} client, once per name per bus.
 *
 * <p>Per subscription group {@code g} of topic {@code t}: retry topics {@code t.g.retry-1 .. t.g.retry-N} (retry
 * {@code n} goes to {@code min(n, N)}, so each retry topic holds records of about the same delay and its due times
 * grow with its offsets; each has as many partitions as the event topic, so a key lands on the same partition number
 * and, with the range assignor, on the same member, whose de-duplication then sees every copy of an event) and the dead-letter topic {@code t.g.dlq} (one partition, so dead letters list oldest
 * first), unless the subscription names another destination. Thread-safe.
 */
final class Topics {
    /** Kafka's longest topic name. */
    static final int MAX_NAME = 249;

    private final Admin admin;
    private final KafkaBusConfig config;
    private final Map<String, CompletableFuture<Void>> ensured = new ConcurrentHashMap<>();

    Topics(Admin admin, KafkaBusConfig config) {
        this.admin = admin;
        this.config = config;
    }

    static String retryTopic(String topic, String group, int tier) {
        return topic + "." + group + ".retry-" + tier;
    }

    /** The retry topic of retry number {@code retry} (1-based). */
    String retryTopicFor(String topic, String group, int retry) {
        return retryTopic(topic, group, Math.min(Math.max(retry, 1), config.retryTopics()));
    }

    List<String> retryTopics(String topic, String group) {
        List<String> names = new ArrayList<>();
        for (int tier = 1; tier <= config.retryTopics(); tier++) {
            names.add(retryTopic(topic, group, tier));
        }
        return names;
    }

    /** Creates (or finds) an event topic with its configured partitions. */
    CompletableFuture<Void> ensureEventTopic(String topic) {
        return ensure(topic, config.partitionsFor(topic), Map.of());
    }

    /** Creates (or finds) the retry and dead-letter topics of a group. */
    CompletableFuture<Void> ensureGroupTopics(String topic, String group, String deadLetterTopic) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        all.add(ensureEventTopic(topic));
        for (String retry : retryTopics(topic, group)) {
            all.add(ensure(retry, config.partitionsFor(topic), Map.of()));
        }
        all.add(ensure(deadLetterTopic, 1, Map.of()));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * Waits until the broker's metadata shows the topics: a topic is created by the controller and reaches the
     * brokers' metadata a moment later, and a consumer that subscribes in between logs warnings and picks the topic
     * up only at its next metadata refresh.
     */
    void awaitVisible(List<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScaleplaneException("interrupted while waiting for topics " + names, e);
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new ScaleplaneException("topics " + names + " did not appear within " + timeout, e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ScaleplaneException("interrupted while waiting for topics " + names, ie);
                }
            }
        }
    }

    /** Creates (or finds) the compacted ledger topic. */
    CompletableFuture<Void> ensureLedger() {
        return ensure(config.ledgerTopic(), 1, Map.of("cleanup.policy", "compact"));
    }

    /** Waits for a topic future, turning failures into a {@link ScaleplaneException} that names the topic. */
    static void await(CompletableFuture<Void> future, String what, Duration timeout) {
        try {
            future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while creating " + what, e);
        } catch (ExecutionException e) {
            throw new ScaleplaneException("could not create " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ScaleplaneException("creating " + what + " took longer than " + timeout, e);
        }
    }

    private CompletableFuture<Void> ensure(String name, int partitions, Map<String, String> extra) {
        if (name.length() > MAX_NAME) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Kafka topic name " + name
                    + " is longer than " + MAX_NAME + " characters; use shorter topic and" + " group names"));
        }
        CompletableFuture<Void> known = ensured.get(name);
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        CompletableFuture<Void> raced = ensured.putIfAbsent(name, created);
        if (raced != null) {
            if (!raced.isCompletedExceptionally()) {
                return raced;
            }
            ensured.replace(name, raced, created);
        }
        Map<String, String> configs = new HashMap<>(extra);
        config.minInsyncReplicas().ifPresent(isr -> configs.put("min.insync.replicas", String.valueOf(isr)));
        Optional<Short> replication = config.replicationFactor();
        NewTopic newTopic = new NewTopic(name, Optional.of(partitions), replication).configs(configs);
        admin.createTopics(List.of(newTopic)).all().whenComplete((ok, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            if (cause == null || cause instanceof TopicExistsException) {
                created.complete(null);
            } else {
                created.completeExceptionally(cause);
            }
        });
        return created;
    }
}
