package dev.scaleplane.core.internal.slo;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.catalog.ErrorBudgetDepleted;
import dev.scaleplane.api.events.catalog.SLOViolation;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.slo.AdmissionDecision;
import dev.scaleplane.api.slo.AdmissionRequest;
import dev.scaleplane.api.slo.BurnRateRule;
import dev.scaleplane.api.slo.DeploymentAdmissionRefused;
import dev.scaleplane.api.slo.DeploymentFreezeLifted;
import dev.scaleplane.api.slo.DeploymentFreezeStarted;
import dev.scaleplane.api.slo.ErrorBudget;
import dev.scaleplane.api.slo.FreezeExceptionGranted;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloEvents;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.store.EventRecorder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLO engine behind {@code platform.slos()}; see {@link Slos} for the contract.
 *
 * <p>State (which rules fire, which budgets are spent, which services are frozen) lives in memory and changes only
 * under this object's lock, so every crossing is published once. The freeze state of a service is also recovered
 * from its stream on first use, so a restart keeps an unlifted freeze; the firing and depleted marks are not (after a
 * restart a condition that still holds is reported once more).
 */
public final class DefaultSlos implements Slos, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefaultSlos.class);
    private static final URI SOURCE = URI.create("/scaleplane/slo");
    private static final int RECOVERY_SCAN = 1_000;

    private final Platform platform;
    private final TaskClock clock;
    private final SloSettings settings;
    private final SliReader events;
    private final SliReader queries;
    private final RateLimitedLog failures;
    private final EventRecorder recorder;

    // Guarded by this.
    private final Map<String, SloDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, SloStatus> latest = new HashMap<>();
    private final Map<String, Set<String>> firing = new HashMap<>();
    private final Set<String> depleted = new HashSet<>();
    private final Map<String, Boolean> frozen = new HashMap<>();
    private TaskClock.@Nullable Cancellable timer;
    private boolean closed;

    /**
     * An engine over {@code platform}'s store, bus and adapters, scheduled on {@code clock}, with the SLOs of {@code
     * config} defined.
     *
     * @throws dev.scaleplane.api.ConfigurationException if the SLO settings are invalid
     */
    public DefaultSlos(Platform platform, TaskClock clock, ConfigProperties config) {
        this(platform, clock, SloSettings.read(config));
    }

    DefaultSlos(Platform platform, TaskClock clock, SloSettings settings) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = settings;
        this.events = new EventSliReader(platform::store);
        this.queries = new QuerySliReader(platform.adapters());
        this.failures = new RateLimitedLog(log, Duration.ofMinutes(1));
        this.recorder = new EventRecorder(failures, "SLO event");
        settings.definitions().forEach(this::define);
    }

    /**
     * Checks the SLO settings of {@code config} without starting anything, so a platform build fails on them early.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every problem
     */
    public static void validate(ConfigProperties config) {
        SloSettings.read(config);
    }

    @Override
    public synchronized SloDefinition define(SloDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        checkOpen();
        String key = key(definition);
        definitions.put(key, definition);
        latest.remove(key);
        firing.remove(key);
        depleted.remove(key);
        if (timer == null) {
            schedule();
        }
        return definition;
    }

    @Override
    public synchronized List<SloDefinition> definitions() {
        return List.copyOf(definitions.values());
    }

    @Override
    public synchronized List<SloStatus> evaluate() {
        checkOpen();
        return evaluate(definitions.values());
    }

    @Override
    public synchronized List<SloStatus> status(String service) {
        Objects.requireNonNull(service, "service");
        List<SloStatus> result = new ArrayList<>();
        for (SloDefinition d : definitions.values()) {
            SloStatus s = latest.get(key(d));
            if (d.service().equals(service) && s != null) {
                result.add(s);
            }
        }
        return result;
    }

    @Override
    public synchronized boolean frozen(String service) {
        Objects.requireNonNull(service, "service");
        return frozenState(service);
    }

    @Override
    public synchronized AdmissionDecision admit(AdmissionRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        String service = request.service();
        List<SloDefinition> slos = definitions.values().stream()
                .filter(d -> d.service().equals(service))
                .toList();
        if (slos.isEmpty()) {
            return new AdmissionDecision(true, false, "service " + service + " has no SLO", List.of());
        }
        List<SloDefinition> unevaluated =
                slos.stream().filter(d -> !latest.containsKey(key(d))).toList();
        if (!unevaluated.isEmpty()) {
            evaluate(unevaluated);
        }
        List<SloStatus> budgets = status(service);
        if (!frozenState(service)) {
            return new AdmissionDecision(
                    true, false, "service " + service + " has error budget left: " + figures(budgets), budgets);
        }
        SloStatus worst = budgets.stream()
                .min(Comparator.comparingDouble(s -> s.budget().remaining()))
                .orElseThrow();
        double remaining = worst.budget().remaining();
        if (request.flag() == FreezeFlag.NONE) {
            String reason = "deployments of " + service + " are frozen: the error budget of SLO " + worst.slo()
                    + " is spent (" + figures(budgets) + "); the freeze lifts when every SLO has more than "
                    + percent(settings.liftAbove()) + " of its budget left, or flag an emergency or security fix";
            record(
                    service,
                    DeploymentAdmissionRefused.TYPE,
                    new DeploymentAdmissionRefused(service, request.deploymentId(), reason, worst.slo(), remaining));
            return new AdmissionDecision(false, true, reason, budgets);
        }
        String by = Objects.requireNonNull(request.flaggedBy());
        String reason = "deployments of " + service + " are frozen (" + figures(budgets) + "), admitted as "
                + request.flag().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " flagged by " + by
                + (request.justification() != null ? ": " + request.justification() : "");
        record(
                service,
                FreezeExceptionGranted.TYPE,
                new FreezeExceptionGranted(
                        service,
                        request.deploymentId(),
                        request.flag(),
                        by,
                        request.justification(),
                        worst.slo(),
                        remaining));
        return new AdmissionDecision(true, true, reason, budgets);
    }

    @Override
    public void close() {
        TaskClock.Cancellable t;
        synchronized (this) {
            closed = true;
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.cancel();
        }
    }

    // ---- evaluation ----

    private void schedule() {
        timer = clock.schedule(settings.interval(), this::scheduled);
    }

    private synchronized void scheduled() {
        if (closed) {
            return;
        }
        schedule(); // first, so a failing evaluation does not stop the schedule
        try {
            evaluate(definitions.values());
        } catch (RuntimeException e) {
            // The SLOs that could be read were applied; the others keep their last status until the next run.
            failures.warn("evaluate", "SLO evaluation failed, next in {}: {}", settings.interval(), e.toString());
        }
    }

    /** Evaluates {@code slos}, applies every crossing, then reports the SLOs that could not be read. */
    private List<SloStatus> evaluate(java.util.Collection<SloDefinition> slos) {
        Instant now = clock.now();
        List<SloStatus> result = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> services = new TreeSet<>();
        for (SloDefinition d : List.copyOf(slos)) {
            SloStatus status;
            try {
                status = status(d, now);
            } catch (RuntimeException e) {
                errors.add(e.getMessage());
                continue;
            }
            latest.put(key(d), status);
            result.add(status);
            crossings(d, status);
            services.add(d.service());
        }
        services.forEach(this::policy);
        if (!errors.isEmpty()) {
            throw new ScaleplaneException(errors.size() + " SLO" + (errors.size() == 1 ? "" : "s")
                    + " could not be evaluated: " + String.join("; ", errors));
        }
        return result;
    }

    private SloStatus status(SloDefinition d, Instant now) {
        Set<Duration> windows = new TreeSet<>();
        windows.add(d.window());
        for (BurnRateRule r : d.rules()) {
            windows.add(r.longWindow());
            windows.add(r.shortWindow());
        }
        Map<Duration, ErrorBudget> counts =
                (d.sli() instanceof Sli.EventRatio ? events : queries).read(d, now, windows);
        Map<Duration, Double> burnRates = new HashMap<>();
        for (Duration w : windows) {
            if (!w.equals(d.window())
                    || d.rules().stream().anyMatch(r -> r.longWindow().equals(w))) {
                burnRates.put(w, counts.get(w).burnRate());
            }
        }
        List<BurnRateRule> fire = d.rules().stream()
                .filter(r -> burnRates.get(r.longWindow()) > r.factor() && burnRates.get(r.shortWindow()) > r.factor())
                .toList();
        return new SloStatus(d.service(), d.name(), now, counts.get(d.window()), burnRates, fire);
    }

    /** Publishes what started firing or got depleted since the last evaluation; re-arms what cleared. */
    private void crossings(SloDefinition d, SloStatus status) {
        String key = key(d);
        Set<String> was = firing.computeIfAbsent(key, k -> new HashSet<>());
        Set<String> now = new HashSet<>();
        for (BurnRateRule r : status.firing()) {
            now.add(r.name());
            if (!was.contains(r.name())) {
                double sli = 1 - status.burnRate(r.longWindow()) * (1 - d.objective());
                record(
                        d.service(),
                        SLOViolation.TYPE,
                        new SLOViolation(
                                d.service(),
                                d.name(),
                                d.objective(),
                                Math.max(0, Math.min(1, sli)),
                                r.longWindow(),
                                r.name(),
                                status.burnRate(r.longWindow()),
                                r.shortWindow()));
            }
        }
        firing.put(key, now);
        ErrorBudget budget = status.budget();
        if (budget.depleted() && depleted.add(key)) {
            record(
                    d.service(),
                    ErrorBudgetDepleted.TYPE,
                    new ErrorBudgetDepleted(d.service(), d.name(), budget.remaining(), d.window()));
        } else if (!budget.depleted()) {
            depleted.remove(key);
        }
    }

    /** Freezes a service with a spent budget; lifts a frozen one when every SLO is above the lift level. */
    private void policy(String service) {
        List<SloStatus> statuses = status(service);
        if (statuses.isEmpty()) {
            return;
        }
        SloStatus worst = statuses.stream()
                .min(Comparator.comparingDouble(s -> s.budget().remaining()))
                .orElseThrow();
        double lowest = worst.budget().remaining();
        boolean isFrozen = frozenState(service);
        if (!isFrozen && worst.budget().depleted()) {
            SloDefinition d = definitions.get(service + "/" + worst.slo());
            record(
                    service,
                    DeploymentFreezeStarted.TYPE,
                    new DeploymentFreezeStarted(
                            service,
                            worst.slo(),
                            lowest,
                            settings.liftAbove(),
                            Objects.requireNonNull(d).window()));
            frozen.put(service, true);
            log.info(
                    "deployments of {} frozen: SLO {} has {} of its error budget left",
                    service,
                    worst.slo(),
                    percent(lowest));
        } else if (isFrozen && lowest > settings.liftAbove()) {
            record(
                    service,
                    DeploymentFreezeLifted.TYPE,
                    new DeploymentFreezeLifted(service, lowest, settings.liftAbove()));
            frozen.put(service, false);
            log.info(
                    "deployments of {} unfrozen: every SLO has more than {} of its error budget left",
                    service,
                    percent(settings.liftAbove()));
        }
    }

    /** The freeze state, recovered from the service's stream the first time it is asked for. */
    private boolean frozenState(String service) {
        Boolean known = frozen.get(service);
        if (known != null) {
            return known;
        }
        boolean state = false;
        List<RecordedEvent> recent = platform.store()
                .readStream(SloEvents.stream(service), ReadDirection.BACKWARD, Long.MAX_VALUE, RECOVERY_SCAN);
        for (RecordedEvent r : recent) {
            String type = r.event().type();
            if (type.equals(DeploymentFreezeStarted.TYPE_NAME) || type.equals(DeploymentFreezeLifted.TYPE_NAME)) {
                state = type.equals(DeploymentFreezeStarted.TYPE_NAME);
                break;
            }
        }
        frozen.put(service, state);
        return state;
    }

    // ---- recording ----

    /**
     * Appends the event to the service's stream (waiting: the audit trail must hold a decision before it is acted
     * on), then publishes it; a failed publish is logged, rate-limited, since the stream already holds the event.
     */
    private <T> void record(String service, EventType<T> type, T data) {
        Event<T> event = Event.builder(type, data)
                .source(SOURCE)
                .subject(service)
                .time(clock.now())
                .build();
        try {
            recorder.append(platform, SloEvents.stream(service), event);
        } catch (RuntimeException e) {
            throw new ScaleplaneException(
                    "cannot record " + type.name() + " for " + service + " in the event store (stream "
                            + SloEvents.stream(service) + "): " + e.getMessage(),
                    e);
        }
        recorder.publish(platform, TOPIC, event);
    }

    // ---- helpers ----

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the platform's SLOs are closed");
        }
    }

    private static String key(SloDefinition d) {
        return d.service() + "/" + d.name();
    }

    private static String figures(List<SloStatus> statuses) {
        List<String> parts = new ArrayList<>();
        for (SloStatus s : statuses) {
            ErrorBudget b = s.budget();
            parts.add(String.format(
                    Locale.ROOT,
                    "%s %s of budget left, %.0f of %.1f bad events allowed used, SLI %.4f",
                    s.slo(),
                    percent(b.remaining()),
                    b.consumed(),
                    b.budget(),
                    b.sli()));
        }
        return String.join("; ", parts);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
