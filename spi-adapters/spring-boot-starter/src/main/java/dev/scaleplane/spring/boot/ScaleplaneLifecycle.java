package dev.scaleplane.spring.boot;

import dev.scaleplane.core.ScaleplanePlatform;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the platform when the application context stops, in a phase that comes after the web server's: the server
 * first finishes the requests in flight (graceful shutdown, phase {@code SmartLifecycle.DEFAULT_PHASE - 1024} in
 * Spring Boot) and stops (phase {@code DEFAULT_PHASE - 2048}), then the platform drains its own in-flight work and
 * releases its threads and connections ({@link ScaleplanePlatform#close()}). So a request being served can still
 * publish and submit, whether graceful shutdown is enabled or not.
 *
 * <p>The platform runs from the moment its bean is created (a configuration error fails the start-up there), so
 * {@link #start()} only marks this lifecycle running. Closing is idempotent: the platform bean's own destroy method
 * calling {@code close()} again later does nothing.
 *
 * <p>Thread-safe.
 */
public final class ScaleplaneLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ScaleplaneLifecycle.class);

    /**
     * The phase: below the web server's start-stop phase ({@code DEFAULT_PHASE - 2048}), so the platform stops after
     * the server and starts before it.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final ScaleplanePlatform platform;
    private volatile boolean running;

    /**
     * A lifecycle for {@code platform}.
     *
     * @param platform the platform to close on stop
     */
    public ScaleplaneLifecycle(ScaleplanePlatform platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** Marks the lifecycle running; the platform already runs. */
    @Override
    public void start() {
        running = true;
    }

    /** Closes the platform, draining its in-flight work; never throws (a failure is logged). */
    @Override
    public void stop() {
        running = false;
        try {
            platform.close();
        } catch (RuntimeException e) {
            // A failed close must not keep the other lifecycles of the context from stopping.
            log.warn("closing the Scaleplane platform failed", e);
        }
    }

    /** Whether {@link #start()} was called and {@link #stop()} not since. */
    @Override
    public boolean isRunning() {
        return running;
    }

    /** {@value #PHASE}. */
    @Override
    public int getPhase() {
        return PHASE;
    }
}
