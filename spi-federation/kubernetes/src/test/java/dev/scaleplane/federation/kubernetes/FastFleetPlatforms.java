package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Platforms for fleet tests: probes every 100 ms, two failures to NotReady, a 1 s toleration, and applies retried
 * every 200 ms with refusals final, so health changes and failover happen within a test.
 */
final class FastFleetPlatforms {
    private FastFleetPlatforms() {}

    /**
     * A platform with the fast fleet settings plus {@code storeSettings} (which event store, where, and any setting
     * that replaces a fast one).
     */
    static ScaleplanePlatform start(Map<String, String> storeSettings) {
        Map<String, String> config = new HashMap<>(storeSettings);
        config.putIfAbsent(KubernetesFleetConfig.PROBE_INTERVAL, "100ms");
        config.putIfAbsent(KubernetesFleetConfig.PROBE_TIMEOUT, "500ms");
        config.putIfAbsent(KubernetesFleetConfig.FAILURE_THRESHOLD, "2");
        config.putIfAbsent(KubernetesFleetConfig.TOLERATION, "1s");
        config.putIfAbsent(KubernetesFleetConfig.REQUEST_TIMEOUT, "2s");
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .taskQueueOptions(TaskQueueOptions.builder()
                        .retryPolicy(
                                KubernetesFederationProvider.APPLY_TASK,
                                RetryPolicy.builder()
                                        .fixed(Duration.ofMillis(200))
                                        .jitter(0)
                                        .maxAttempts(500)
                                        .nonRetryable(ApplyException.class)
                                        .build())
                        .build())
                .build();
    }
}
