package dev.scaleplane.core.internal.deploy;

import dev.scaleplane.api.deployments.RolloutStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits the clusters placement chose into waves: the canary first, then by region or in partitions. */
final class WavePlanner {
    private WavePlanner() {}

    /**
     * The waves, in order, none empty.
     *
     * @param chosen the clusters, in placement's order
     * @param regions each cluster's region
     */
    static List<List<String>> plan(List<String> chosen, Map<String, String> regions, RolloutStrategy strategy) {
        List<String> rest = new ArrayList<>(chosen);
        List<List<String>> waves = new ArrayList<>();
        List<String> canary = new ArrayList<>();
        if (!strategy.canaryClusters().isEmpty()) {
            for (String c : strategy.canaryClusters()) {
                if (rest.remove(c)) {
                    canary.add(c);
                }
            }
        }
        if (canary.isEmpty()) {
            for (int i = 0; i < strategy.canary() && rest.size() > 1; i++) {
                canary.add(rest.remove(0)); // a canary that is the whole rollout would gate nothing
            }
        }
        if (!canary.isEmpty()) {
            waves.add(canary);
        }
        if (rest.isEmpty()) {
            return waves;
        }
        if (strategy.waves() == RolloutStrategy.Waves.BY_REGION) {
            Map<String, List<String>> byRegion = new LinkedHashMap<>();
            for (String c : rest) {
                byRegion.computeIfAbsent(regions.getOrDefault(c, ""), r -> new ArrayList<>())
                        .add(c);
            }
            waves.addAll(byRegion.values());
        } else {
            int n = Math.min(strategy.partitions(), rest.size());
            int from = 0;
            for (int i = 0; i < n; i++) {
                int size = rest.size() / n + (i < rest.size() % n ? 1 : 0);
                waves.add(new ArrayList<>(rest.subList(from, from + size)));
                from += size;
            }
        }
        return waves;
    }
}
