package dev.scaleplane.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.ScaleplanePlatform;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** The health indicators, against the embedded backends and a real PostgreSQL (127.0.0.1:5432, database test). */
class ScaleplaneHealthTest {

    private static final String POSTGRES_STORE = "scaleplane.store.provider=postgres";
    private static final String POSTGRES_USER = "scaleplane.store.postgres.user=postgres";
    private static final String POSTGRES_SCHEMA = "scaleplane.store.postgres.schema=scaleplane_spring_starter";

    private final ApplicationContextRunner runner = TestContexts.embedded();

    private static Health health(ApplicationContext context, String bean) {
        return context.getBean(bean, HealthIndicator.class).health();
    }

    @Test
    void theEventBusIsUpWhenItsProbeIsAcknowledged() {
        runner.run(context -> {
            Health health = health(context, "scaleplaneEventsHealthIndicator");
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("backend", "memory")
                    .containsEntry("topic", ScaleplaneHealthProperties.DEFAULT_TOPIC);
        });
    }

    @Test
    void theEventBusIsDownOnceThePlatformIsClosed() {
        runner.run(context -> {
            context.getBean(ScaleplanePlatform.class).close();
            assertThat(health(context, "scaleplaneEventsHealthIndicator").getStatus())
                    .isEqualTo(Status.DOWN);
        });
    }

    @Test
    void indicatorsAreTurnedOffTheSpringBootWay() {
        runner.withPropertyValues(
                        "management.health.scaleplane-events.enabled=false",
                        "scaleplane.tasks.provider=memory",
                        "management.health.scaleplane-tasks.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean("scaleplaneEventsHealthIndicator")
                        .doesNotHaveBean("scaleplaneTasksHealthIndicator"));
    }

    @Test
    void withoutSpringBootHealthThePlatformRunsWithoutIndicators() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> assertThat(context)
                .hasNotFailed()
                .hasSingleBean(ScaleplanePlatform.class)
                .doesNotHaveBean("scaleplaneEventsHealthIndicator")
                .doesNotHaveBean("scaleplaneStoreHealthIndicator"));
    }

    @Test
    void storeAndTaskIndicatorsNeedTheirBackendConfigured() {
        runner.run(context -> assertThat(context)
                .hasBean("scaleplaneEventsHealthIndicator")
                .hasBean("scaleplaneStoreHealthIndicator")
                .doesNotHaveBean("scaleplaneTasksHealthIndicator"));
        // The PostgreSQL store chosen by priority: no provider set, no indicator.
        TestContexts.bare()
                .withPropertyValues("scaleplane.store.postgres.url=jdbc:postgresql://127.0.0.1:1/test")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("scaleplaneStoreHealthIndicator"));
    }

    @Test
    void theTaskQueueReportsItsBacklog() {
        runner.withPropertyValues("scaleplane.tasks.provider=memory").run(context -> {
            context.getBean(TaskQueue.class).submit(TaskRequest.of("noop", "x"));
            Health health = health(context, "scaleplaneTasksHealthIndicator");
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("depth", 1);
        });
    }

    @Test
    void aPostgresStoreOnAWrongPortIsDownAndNamesTheServerAndSetting() {
        runner.withPropertyValues(
                        POSTGRES_STORE,
                        "scaleplane.store.postgres.url=jdbc:postgresql://127.0.0.1:1/test",
                        POSTGRES_USER,
                        POSTGRES_SCHEMA)
                .run(context -> {
                    // The platform opens its store on first use, and so does the store bean: the application starts,
                    // the store is reported down, and the bean's first call gets the platform's error.
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(EventStore.class).streamVersion("orders"))
                            .isInstanceOf(BackendUnreachableException.class)
                            .hasMessageContaining("scaleplane.store.postgres.url");
                    Health health = health(context, "scaleplaneStoreHealthIndicator");
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(String.valueOf(health.getDetails().get("error")))
                            .contains("PostgreSQL")
                            .contains("127.0.0.1:1")
                            .contains("scaleplane.store.postgres.url");
                });
    }

    @Test
    void aPostgresStoreThatAnswersIsUp() {
        runner.withPropertyValues(
                        POSTGRES_STORE,
                        "scaleplane.store.postgres.url=jdbc:postgresql://127.0.0.1:5432/test",
                        POSTGRES_USER,
                        POSTGRES_SCHEMA)
                .run(context -> {
                    Health health = health(context, "scaleplaneStoreHealthIndicator");
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails())
                            .containsEntry("probeStream", EventStoreHealthIndicator.PROBE_STREAM);
                });
    }
}
