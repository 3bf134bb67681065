package dev.scaleplane.core.internal.slo;

import dev.scaleplane.api.slo.ErrorBudget;
import dev.scaleplane.api.slo.SloDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Reads an SLI's good and total counts over several windows ending at one instant. */
interface SliReader {

    /**
     * The SLI over each window {@code (now - window, now]}, as the error budget of the definition's objective.
     *
     * @return one entry per window
     * @throws dev.scaleplane.api.ScaleplaneException naming the SLO and the system when the counts cannot be read
     */
    Map<Duration, ErrorBudget> read(SloDefinition slo, Instant now, Set<Duration> windows);
}
