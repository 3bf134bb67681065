package dev.scaleplane.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code close()} no thread the platform started stays alive: {@code mvn exec:java} and application servers
 * wait for (or complain about) such threads. Threads alive before the test are left out, so other tests of the same
 * JVM do not count; the shared task-clock timer ends when idle, so it is checked whether it started here or not.
 */
class NoThreadOutlivesCloseTest {

    @TempDir
    Path dir;

    private static boolean ours(Thread t) {
        String name = t.getName();
        return name.startsWith("scaleplane") || name.startsWith("pool-") || name.startsWith("Thread-");
    }

    @Test
    void noThreadStartedByTheDefaultPlatformOutlivesClose() {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.file.directory", dir.toString())))
                .build()) {
            List<DeploymentRequested> seen = new CopyOnWriteArrayList<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.of("deployments", "g"),
                            DeploymentRequested.TYPE,
                            e -> seen.add(e.data()));
            platform.events()
                    .publish("deployments", new DeploymentRequested("d-1", "shop", "1.0", "prod", List.of(), "alice"))
                    .join();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
            platform.tasks()
                    .submit(TaskRequest.builder("deploy", "ams-1")
                            .notBefore(java.time.Instant.now().plusSeconds(3600))
                            .build());
            platform.tasks().submit(TaskRequest.builder("deploy", "par-1").build());
            List<Lease> leases = platform.tasks().lease("worker", 10, Duration.ofMinutes(5));
            assertThat(leases).isNotEmpty();
        }
        await("every thread the platform started to end")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                                .filter(t -> !before.contains(t) && t.isAlive() && ours(t))
                                .map(Thread::getName)
                                .collect(Collectors.toList()))
                        .isEmpty());
    }
}
