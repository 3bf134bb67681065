package dev.scaleplane.federation.kubernetes.testing;

import static dev.scaleplane.federation.kubernetes.testing.Workloads.condition;
import static dev.scaleplane.federation.kubernetes.testing.Workloads.count;
import static dev.scaleplane.federation.kubernetes.testing.Workloads.deployment;
import static dev.scaleplane.federation.kubernetes.testing.Workloads.observed;
import static dev.scaleplane.federation.kubernetes.testing.Workloads.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulatedControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static SimulatedFleet fleet;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        fleet = SimulatedFleet.builder().cluster("ams-1").start();
        client = fleet.cluster("ams-1").client();
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void a_deployment_becomes_ready_after_the_delay() {
        Deployment created = client.resource(deployment("web", "nginx:1.27", 3)).create();

        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(created.getStatus())
                .as("a create drops status, as with a status subresource")
                .isNull();

        Deployment ready = await().atMost(WAIT)
                .until(
                        () -> client.apps()
                                .deployments()
                                .inNamespace("default")
                                .withName("web")
                                .get(),
                        Workloads::observed);
        assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(ready.getStatus().getReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertCondition(condition(ready, "Available"), "True", "MinimumReplicasAvailable");
        assertCondition(condition(ready, "Progressing"), "True", "NewReplicaSetAvailable");
        assertThat(condition(ready, "Progressing").getMessage()).startsWith("ReplicaSet \"web-");
        assertThat(ready.getMetadata().getGeneration())
                .as("status writes do not bump generation")
                .isEqualTo(1L);
    }

    @Test
    void an_image_with_the_fail_marker_never_becomes_ready() {
        client.resource(deployment("broken", "registry.example/fail-app:1", 2)).create();

        Deployment failed = await().atMost(WAIT)
                .until(
                        () -> client.apps()
                                .deployments()
                                .inNamespace("default")
                                .withName("broken")
                                .get(),
                        Workloads::observed);
        assertThat(failed.getStatus().getReplicas()).isEqualTo(2);
        assertThat(count(failed.getStatus().getReadyReplicas())).isZero();
        assertThat(count(failed.getStatus().getAvailableReplicas())).isZero();
        assertThat(failed.getStatus().getUnavailableReplicas()).isEqualTo(2);
        assertCondition(condition(failed, "Available"), "False", "MinimumReplicasUnavailable");
        assertCondition(condition(failed, "Progressing"), "False", "ProgressDeadlineExceeded");

        // It stays that way: the controller does not flip it later.
        long writes = fleet.cluster("ams-1").controller().statusWrites();
        await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);
        Deployment later = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("broken")
                .get();
        assertThat(count(later.getStatus().getReadyReplicas())).isZero();
        assertThat(fleet.cluster("ams-1").controller().statusWrites())
                .as("no status write for an unchanged failed workload")
                .isEqualTo(writes);
    }

    @Test
    void a_spec_change_bumps_generation_and_the_controller_follows_it() {
        Resource<Deployment> web =
                client.apps().deployments().inNamespace("default").withName("scaled");
        client.resource(deployment("scaled", "nginx:1.27", 1)).create();
        await().atMost(WAIT).until(web::get, Workloads::observed);

        Deployment edited = web.edit(d -> {
            d.getSpec().setReplicas(4);
            return d;
        });

        assertThat(edited.getMetadata().getGeneration())
                .as("the CRUD mock bumps generation on spec changes")
                .isEqualTo(2L);
        assertThat(edited.getStatus().getObservedGeneration())
                .as("the status of generation 1 is kept until the controller catches up")
                .isEqualTo(1L);
        Deployment caughtUp = await().atMost(WAIT).until(web::get, Workloads::observed);
        assertThat(caughtUp.getStatus().getObservedGeneration()).isEqualTo(2L);
        assertThat(caughtUp.getStatus().getReadyReplicas()).isEqualTo(4);

        // Moving to a failing image makes the next generation fail.
        web.edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:fail");
            return d;
        });
        Deployment failing = await().atMost(WAIT)
                .until(
                        web::get,
                        d -> observed(d)
                                && "False".equals(condition(d, "Available").getStatus()));
        assertThat(failing.getMetadata().getGeneration()).isEqualTo(3L);
        assertCondition(condition(failing, "Progressing"), "False", "ProgressDeadlineExceeded");
    }

    @Test
    void a_label_change_does_not_bump_generation() {
        Resource<Deployment> web =
                client.apps().deployments().inNamespace("default").withName("labelled");
        client.resource(deployment("labelled", "nginx:1.27", 1)).create();
        await().atMost(WAIT).until(web::get, Workloads::observed);

        Deployment edited = web.edit(d -> {
            d.getMetadata().getLabels().put("tier", "frontend");
            return d;
        });

        assertThat(edited.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(observed(edited)).isTrue();
    }

    @Test
    void a_client_update_without_status_keeps_the_stored_status() {
        Resource<Deployment> web =
                client.apps().deployments().inNamespace("default").withName("reapplied");
        client.resource(deployment("reapplied", "nginx:1.27", 2)).create();
        Deployment ready = await().atMost(WAIT).until(web::get, Workloads::observed);

        Deployment desired = deployment("reapplied", "nginx:1.27", 2);
        desired.getMetadata().setResourceVersion(ready.getMetadata().getResourceVersion());
        Deployment updated = client.resource(desired).update();

        assertThat(updated.getStatus()).isEqualTo(ready.getStatus());
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(1L);
    }

    @Test
    void status_can_be_written_through_the_status_subresource() {
        Resource<Deployment> web =
                client.apps().deployments().inNamespace("default").withName("by-hand");
        Deployment created =
                client.resource(deployment("by-hand", "nginx:1.27", 2)).create();
        fleet.cluster("ams-1").controller().delay(Duration.ofMinutes(5)); // keep the controller out of the way
        try {
            created.setStatus(new DeploymentStatusBuilder()
                    .withObservedGeneration(1L)
                    .withReplicas(2)
                    .withReadyReplicas(1)
                    .build());

            Deployment written = client.resource(created).updateStatus();

            assertThat(written.getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(written.getMetadata().getGeneration()).isEqualTo(1L);
            assertThat(web.get().getStatus().getReadyReplicas()).isEqualTo(1);
        } finally {
            fleet.cluster("ams-1").controller().delay(SimulatedFleet.DEFAULT_CONTROLLER_DELAY);
        }
        // Once the delay is back to normal, the next change lets the controller write the rollout's result.
        web.edit(d -> {
            d.getMetadata().getLabels().put("nudge", "1");
            return d;
        });
        assertThat(await().atMost(WAIT).until(web::get, d -> count(d.getStatus().getReadyReplicas()) == 2))
                .isNotNull();
    }

    @Test
    void a_statefulset_becomes_ready_without_conditions() {
        client.resource(statefulSet("db", "postgres:17", 3)).create();

        StatefulSet ready = await().atMost(WAIT)
                .until(
                        () -> client.apps()
                                .statefulSets()
                                .inNamespace("default")
                                .withName("db")
                                .get(),
                        s -> s.getStatus() != null && s.getStatus().getObservedGeneration() != null);
        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());
        assertThat(ready.getStatus().getReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getCurrentReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(ready.getStatus().getCurrentRevision())
                .startsWith("db-")
                .isEqualTo(ready.getStatus().getUpdateRevision());
        assertThat(ready.getStatus().getConditions()).isNullOrEmpty();

        long writes = fleet.cluster("ams-1").controller().statusWrites();
        await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);
        assertThat(fleet.cluster("ams-1").controller().statusWrites())
                .as("a converged StatefulSet is not written again")
                .isEqualTo(writes);
    }

    @Test
    void a_statefulset_with_a_failing_image_never_has_ready_replicas() {
        client.resource(statefulSet("db-broken", "postgres:fail", 2)).create();

        StatefulSet failed = await().atMost(WAIT)
                .until(
                        () -> client.apps()
                                .statefulSets()
                                .inNamespace("default")
                                .withName("db-broken")
                                .get(),
                        s -> s.getStatus() != null && s.getStatus().getObservedGeneration() != null);
        assertThat(failed.getStatus().getReplicas()).isEqualTo(2);
        assertThat(count(failed.getStatus().getReadyReplicas())).isZero();
    }

    @Test
    void a_deployment_scaled_to_zero_is_available() {
        client.resource(deployment("idle", "nginx:fail", 0)).create();

        Deployment idle = await().atMost(WAIT)
                .until(
                        () -> client.apps()
                                .deployments()
                                .inNamespace("default")
                                .withName("idle")
                                .get(),
                        Workloads::observed);
        assertThat(count(idle.getStatus().getReplicas())).isZero();
        assertCondition(condition(idle, "Available"), "True", "MinimumReplicasAvailable");
    }

    private static void assertCondition(DeploymentCondition condition, String status, String reason) {
        assertThat(condition).isNotNull();
        assertThat(condition.getStatus()).isEqualTo(status);
        assertThat(condition.getReason()).isEqualTo(reason);
        assertThat(condition.getLastTransitionTime()).isNotBlank();
    }
}
