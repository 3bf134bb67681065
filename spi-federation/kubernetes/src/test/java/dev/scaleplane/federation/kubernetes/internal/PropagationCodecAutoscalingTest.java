package dev.scaleplane.federation.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.HorizontalAutoscaling;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The autoscalers of a request survive the record a restarted process restores from: through the codec and JSON (as
 * the event store keeps it) and back, every field equal; a record written before autoscaling existed has none.
 */
class PropagationCodecAutoscalingTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    void autoscalersAndTheirOverridesRoundTripThroughJson() {
        HorizontalAutoscaling web = HorizontalAutoscaling.builder("web")
                .replicas(2, 20)
                .cpuUtilization(70)
                .memoryUtilization(85)
                .scaleUp(ScalingRules.of(Duration.ofSeconds(30), ScalingRules.Limit.workers(4, Duration.ofSeconds(15))))
                .scaleDown(ScalingRules.disabled())
                .build();
        HorizontalAutoscaling api = HorizontalAutoscaling.builder("api")
                .replicas(1, 4)
                .memoryUtilization(60)
                .build();
        PropagationRequest request = PropagationRequest.builder("shop")
                .objects(deployment("web"), deployment("api"))
                .placement(PlacementPolicy.builder()
                        .replicas(6)
                        .division(ReplicaDivision.staticWeights(Map.of("ams-1", 2, "par-1", 1)))
                        .build())
                .autoscaling(web)
                .autoscaling(api)
                .override(ClusterOverride.builder()
                        .regions("paris")
                        .autoscalerReplicas(3, 7)
                        .autoscalerCpuUtilization(55)
                        .autoscalerMemoryUtilization(65)
                        .build())
                .override(ClusterOverride.builder()
                        .clusters("ams-1")
                        .image("nginx:1.28")
                        .build())
                .build();

        PropagationRequest back = roundTrip(request);

        assertThat(back.autoscaling()).containsExactly(web, api);
        ClusterOverride o = back.overrides().get(0);
        assertThat(o.regions()).containsExactly("paris");
        assertThat(o.autoscalerReplicas()).contains(new ReplicaBounds(3, 7));
        assertThat(o.autoscalerCpuUtilization()).contains(55);
        assertThat(o.autoscalerMemoryUtilization()).contains(65);
        ClusterOverride image = back.overrides().get(1);
        assertThat(image.changesAutoscaler()).isFalse();
        assertThat(image.autoscalerReplicas()).isEmpty();
        assertThat(back.toString()).isEqualTo(request.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRecordFromBeforeAutoscalingRestoresWithNone() {
        PropagationRequest request =
                PropagationRequest.builder("old").objects(deployment("web")).build();
        Map<String, Object> encoded = PropagationCodec.encode(request);
        encoded.remove("autoscaling");
        PropagationRequest back = PropagationCodec.decode(JSON.unmarshal(JSON.asJson(encoded), Map.class));
        assertThat(back.autoscaling()).isEmpty();
        assertThat(back.objects()).containsExactly(deployment("web"));
    }

    @SuppressWarnings("unchecked")
    private static PropagationRequest roundTrip(PropagationRequest request) {
        String json = JSON.asJson(PropagationCodec.encode(request));
        return PropagationCodec.decode(JSON.unmarshal(json, Map.class));
    }

    private static Manifest deployment(String name) {
        return SimulatedWorkloads.deployment("default", name, "nginx:1.27", 1);
    }
}
