package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a round reads the version carrying {@code AWSCURRENT} of every watched name ({@code DescribeSecret}'s
 * {@code VersionIdsToStages}, no value is read) and reports each name whose current version moved since the last
 * round. The first version seen of a name is its baseline, not reported. Versions that come and go between two rounds
 * are not seen: a report carries the version current at the round, and as previous version the one reported (or
 * taken as baseline) before it.
 *
 * <p>A name that cannot be read (missing, denied, throttled) keeps its last version and is read again next round; the
 * first failure of a streak is logged at WARN, its end at INFO, so a long outage logs two lines per name. A listener
 * that throws is logged and the version counts as reported.
 *
 * <p>Rounds run one at a time (on the adapter's watch thread, the first on the caller's); not thread-safe otherwise.
 */
final class RotationWatch {
    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.aws");

    private final String instance;
    private final List<String> names;
    private final Function<String, @Nullable String> currentVersion;
    private final Consumer<? super SecretRotated> listener;
    private final Clock clock;
    private final Map<String, String> seen = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private volatile boolean stopped;

    /**
     * @param currentVersion reads the version carrying {@code AWSCURRENT}, null if none does; throws the typed
     *     failures
     */
    RotationWatch(
            String instance,
            List<String> names,
            Function<String, @Nullable String> currentVersion,
            Consumer<? super SecretRotated> listener,
            Clock clock) {
        this.instance = instance;
        this.names = List.copyOf(names);
        this.currentVersion = currentVersion;
        this.listener = listener;
        this.clock = clock;
    }

    /** Ends the watch: a round under way stops at the next name, and reports nothing more. */
    void stop() {
        stopped = true;
    }

    /** One round over every name. Never throws (it runs on a scheduler, where an exception would end the watch). */
    void round() {
        for (String name : names) {
            if (stopped || Thread.currentThread().isInterrupted()) {
                return;
            }
            String current;
            try {
                current = currentVersion.apply(name);
            } catch (AdapterException | IllegalArgumentException e) {
                if (stopped || Thread.currentThread().isInterrupted()) {
                    return; // the watch is being stopped: the failure is ours
                }
                if (failing.add(name)) {
                    LOG.warn(
                            "{} ({}) watch of {} cannot read the current version, trying again every round: {}",
                            AwsSettings.SYSTEM,
                            instance,
                            name,
                            e.getMessage());
                }
                continue;
            }
            if (failing.remove(name)) {
                LOG.info("{} ({}) watch of {} reads again", AwsSettings.SYSTEM, instance, name);
            }
            if (current == null) {
                continue;
            }
            String previous = seen.put(name, current);
            if (previous == null || previous.equals(current) || stopped) {
                continue;
            }
            SecretRotated rotated =
                    new SecretRotated(AwsSettings.SYSTEM, instance, name, current, previous, clock.instant());
            try {
                listener.accept(rotated);
            } catch (RuntimeException e) {
                LOG.warn(
                        "{} ({}) rotation listener failed on {}: {}",
                        AwsSettings.SYSTEM,
                        instance,
                        rotated,
                        e.getClass().getName());
            }
        }
    }
}
