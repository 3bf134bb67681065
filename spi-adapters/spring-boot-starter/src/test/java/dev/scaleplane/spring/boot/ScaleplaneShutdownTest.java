package dev.scaleplane.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.ScaleplanePlatform;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

class ScaleplaneShutdownTest {

    /** Spring Boot's phases: graceful shutdown of the web server, then the web server's stop. */
    private static final int WEB_SERVER_GRACEFUL_SHUTDOWN_PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final int WEB_SERVER_STOP_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private final ApplicationContextRunner runner = TestContexts.embedded();

    private static Set<String> scaleplaneThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("scaleplane"))
                .collect(Collectors.toSet());
    }

    /**
     * Stands in for the web server: stops in the web server's phases and, when it stops, serves one last request that
     * publishes an event, as a request finishing during graceful shutdown does.
     */
    static final class LastRequest implements SmartLifecycle {
        private final ObjectProvider<ScaleplanePlatform> platform;
        private final int phase;
        final AtomicReference<Object> outcome = new AtomicReference<>();
        private volatile boolean running;

        LastRequest(ObjectProvider<ScaleplanePlatform> platform, int phase) {
            this.platform = platform;
            this.phase = phase;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            try {
                outcome.set(platform.getObject()
                        .events()
                        .publish("orders", new PlatformHealthCheck("web", HealthStatus.UP, "local", Map.of()))
                        .get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                outcome.set(e);
            }
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return phase;
        }
    }

    @Test
    void thePlatformStopsAfterTheWebServer() {
        assertThat(ScaleplaneLifecycle.PHASE).isLessThan(WEB_SERVER_STOP_PHASE);
        AtomicReference<LastRequest> graceful = new AtomicReference<>();
        AtomicReference<LastRequest> serverStop = new AtomicReference<>();
        AtomicReference<ScaleplanePlatform> platform = new AtomicReference<>();
        runner.withInitializer(context -> {
                    ObjectProvider<ScaleplanePlatform> provider =
                            context.getBeanFactory().getBeanProvider(ScaleplanePlatform.class);
                    graceful.set(new LastRequest(provider, WEB_SERVER_GRACEFUL_SHUTDOWN_PHASE));
                    serverStop.set(new LastRequest(provider, WEB_SERVER_STOP_PHASE));
                    context.getBeanFactory().registerSingleton("gracefulShutdown", graceful.get());
                    context.getBeanFactory().registerSingleton("webServerStop", serverStop.get());
                })
                .run(context -> platform.set(context.getBean(ScaleplanePlatform.class)));
        // Both web server phases ran while the platform was still open, and the platform was closed after them.
        assertThat(graceful.get().outcome.get()).isInstanceOf(PublishReceipt.class);
        assertThat(serverStop.get().outcome.get()).isInstanceOf(PublishReceipt.class);
        assertThatThrownBy(() -> platform.get().tasks()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheContextClosesThePlatformAndLeavesNoScaleplaneThread() {
        Set<String> before = scaleplaneThreads();
        AtomicReference<ScaleplanePlatform> platform = new AtomicReference<>();
        runner.withPropertyValues("scaleplane.tasks.provider=memory").run(context -> {
            ScaleplanePlatform p = context.getBean(ScaleplanePlatform.class);
            platform.set(p);
            p.events().subscribe(SubscriptionOptions.of("orders", "audit"), event -> {});
            p.events()
                    .publish("orders", new PlatformHealthCheck("c", HealthStatus.UP, "local", Map.of()))
                    .get(10, TimeUnit.SECONDS);
            p.tasks().submit(TaskRequest.of("noop", "x"));
            p.store().streamVersion("s");
            assertThat(context.getBean(ScaleplaneLifecycle.class).isRunning()).isTrue();
        });
        assertThatThrownBy(() -> platform.get().tasks()).isInstanceOf(IllegalStateException.class);
        assertThat(scaleplaneThreads()).isSubsetOf(before);
    }
}
