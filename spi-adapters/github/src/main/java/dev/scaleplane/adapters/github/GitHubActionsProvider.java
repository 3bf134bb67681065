package dev.scaleplane.adapters.github;

import dev.scaleplane.adapters.github.internal.GitHubInstance;
import dev.scaleplane.adapters.github.internal.GitHubSettings;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * GitHub Actions, system {@code github}. Settings and identifiers: see {@link dev.scaleplane.adapters.github}.
 *
 * <ul>
 *   <li>{@code trigger}: {@code POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches} with {@code ref},
 *       {@code inputs} and {@code return_run_details: true}, which GitHub answers since February 2026 with {@code 200
 *       {"workflow_run_id", "run_url", "html_url"}}: the run is returned {@code QUEUED} without another call. A server
 *       that refuses the field (GHES 3.20 and older: 400/422 naming it) gets the dispatch again without it; a {@code
 *       204 No Content} answer is followed by {@code GET .../workflows/{workflow}/runs?event=workflow_dispatch
 *       &branch=<ref>&created=>=<dispatch time - 5 s>}, polled until {@code actions.run-lookup-timeout}, taking the
 *       oldest run not yet claimed by an earlier dispatch of this adapter (within one process; two processes
 *       dispatching the same workflow on the same branch within seconds may swap runs, which only the run-id answer
 *       avoids).
 *   <li>{@code status}: {@code GET /repos/{owner}/{repo}/actions/runs/{id}}. {@code queued}, {@code waiting}, {@code
 *       requested}, {@code pending} are QUEUED; {@code in_progress} RUNNING; completed {@code success} or {@code
 *       neutral} SUCCEEDED; {@code cancelled} or {@code skipped} CANCELLED; {@code failure}, {@code timed_out},
 *       {@code action_required}, {@code startup_failure}, {@code stale} and anything unknown FAILED. {@link
 *       dev.scaleplane.api.adapters.ci.CiRun#conclusion()} is the conclusion of a completed run, else its status.
 *   <li>{@code awaitCompletion}: polls {@code status} from {@code actions.poll-interval}, doubling to {@code
 *       actions.max-poll-interval}, with jitter; the credential's rate-limit governor spaces the calls further when
 *       the budget runs low.
 *   <li>{@code cancel}: {@code POST .../actions/runs/{id}/cancel} (202; a finished run answers 409, an {@code
 *       AdapterRequestRefusedException}), then {@code status}.
 *   <li>{@code runs}: {@code GET .../workflows/{workflow}/runs?per_page=<page-size>}, newest first, following {@code
 *       Link: rel="next"} lazily.
 * </ul>
 */
public final class GitHubActionsProvider implements CiAdapterProvider {

    /** Creates the provider; stateless. */
    public GitHubActionsProvider() {}

    @Override
    public String name() {
        return "github";
    }

    /** Run id on trigger (found by listing when the server cannot answer with it), cancel, inputs. */
    @Override
    public Set<CiCapability> capabilities() {
        return EnumSet.of(CiCapability.RUN_ID_ON_TRIGGER, CiCapability.CANCEL, CiCapability.INPUTS);
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        GitHubSettings.read(instance, config);
    }

    @Override
    public CiAdapter create(String instance, ProviderContext context) {
        return GitHubInstance.actions(instance, context);
    }
}
