package dev.scaleplane.api.adapters.ci;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The event types of CI adapters, and the one way to build their envelopes, so that every observer of a run (polling
 * in the core, the webhook receiver) produces the same event.
 *
 * <h2>Registration</h2>
 *
 * These types are not part of the platform catalog ({@code PlatformEvents}, the twelve types of {@code
 * EventTypeRegistry.platformDefaults()}); the platform builder adds {@link #all()} to the registry of every platform it
 * builds, unless the registry already uses one of the names or classes, so a typed subscription to {@link
 * #RUN_COMPLETED} works on every platform.
 *
 * <h2>Identity</h2>
 *
 * A completion's CloudEvents identity is derived, never random: source {@code /scaleplane/ci/<instance>} ({@link
 * #source}) and id {@code <system>:<instance>:<run id>:<status>} ({@link #eventId}), e.g. {@code
 * github:gh-main:acme/app/123456:succeeded}. The webhook receiver and the polling decorator therefore publish the same
 * (source, id) for the same ending, and consumers (or a subscription with de-duplication, which keys on exactly that
 * pair) see it once. The status is part of the id on purpose: a run that failed and is re-run to success under the
 * same run id (GitHub re-runs, GitLab retried jobs) ends twice, and the second ending must not be taken for a
 * duplicate of the first. A re-run that ends with the same status within a consumer's de-duplication window is
 * filtered as a duplicate; consumers that must see every attempt read the run from the adapter.
 *
 * <p>Stateless and thread-safe.
 */
public final class CiEvents {

    /** Type name of {@link CiRunCompleted}. */
    public static final String RUN_COMPLETED_TYPE_NAME = "dev.scaleplane.ci.run.completed.v1";

    /** A CI run ended, learned from a webhook or by polling. */
    public static final EventType<CiRunCompleted> RUN_COMPLETED =
            EventType.of(RUN_COMPLETED_TYPE_NAME, CiRunCompleted.class);

    /**
     * The topic completions of an instance go to unless its {@code completions.topic} key ({@link
     * #completionsTopicKey}) names another.
     */
    public static final String DEFAULT_TOPIC = "scaleplane.ci.runs";

    private static final List<EventType<?>> ALL = List.of(RUN_COMPLETED);

    private CiEvents() {}

    /** Every CI adapter event type: {@link #RUN_COMPLETED}. */
    public static List<EventType<?>> all() {
        return ALL;
    }

    /**
     * The configuration key naming the topic of instance {@code instance}'s completions, {@code
     * scaleplane.adapters.<instance>.completions.topic}; read by the polling decorator and by the webhook receiver, so
     * both publish to one topic.
     */
    public static String completionsTopicKey(String instance) {
        return "scaleplane.adapters." + requireText(instance, "instance") + ".completions.topic";
    }

    /** The CloudEvents source of completions of instance {@code instance}: {@code /scaleplane/ci/<instance>}. */
    public static URI source(String instance) {
        return URI.create("/scaleplane/ci/" + requireText(instance, "instance"));
    }

    /**
     * The CloudEvents id of the ending of run {@code runId} with {@code status}: {@code
     * <system>:<instance>:<runId>:<status in lower case>}.
     *
     * @throws IllegalArgumentException if {@code status} is not terminal, or a text is blank
     */
    public static String eventId(String system, String instance, String runId, CiStatus status) {
        Objects.requireNonNull(status, "status");
        if (!status.terminal()) {
            throw new IllegalArgumentException("a completion id needs a terminal status, but was " + status);
        }
        return requireText(system, "system")
                + ':'
                + requireText(instance, "instance")
                + ':'
                + requireText(runId, "runId")
                + ':'
                + status.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The envelope of a completion: type {@link #RUN_COMPLETED}, source {@link #source}, id {@link #eventId}, subject
     * the run id (so completions of one run keep their order), time the run's {@link CiRun#updatedAt()} or, when the
     * system did not say, {@code observedAt}.
     */
    public static Event<CiRunCompleted> runCompleted(CiRunCompleted completion, Instant observedAt) {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(observedAt, "observedAt");
        CiRun run = completion.run();
        return Event.builder(RUN_COMPLETED, completion)
                .id(eventId(completion.system(), completion.instance(), run.id(), run.status()))
                .source(source(completion.instance()))
                .subject(run.id())
                .time(run.updatedAt() != null ? run.updatedAt() : observedAt)
                .build();
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
