package dev.scaleplane.adapters.gitlab;

import dev.scaleplane.adapters.gitlab.internal.GitLabInstance;
import dev.scaleplane.adapters.gitlab.internal.GitLabSettings;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * GitLab CI pipelines, system {@code gitlab}, over the REST API v4 of gitlab.com or a self-managed GitLab
 * (docs.gitlab.com/api/pipelines). Settings and identifiers: see {@link dev.scaleplane.adapters.gitlab}. {@code :id}
 * below is the project's URL-encoded full path ({@code acme%2Fplatform%2Fapp}) or its numeric id.
 *
 * <ul>
 *   <li>{@code trigger}: {@code POST /api/v4/projects/:id/pipeline} with the JSON body {@code {"ref": <ref>,
 *       "variables": [{"key", "value", "variable_type": "env_var"}, ...]}}, one variable per input (sorted by key;
 *       omitted without inputs). GitLab answers {@code 201} with the pipeline ({@code id}, {@code web_url}, {@code
 *       status}), so the run id is known at once. GitLab itself judges refs and variable keys (letters, digits and
 *       {@code _} only): a refusal is its {@code 400}, an {@code AdapterRequestRefusedException} carrying its message.
 *   <li>{@code status}: {@code GET /api/v4/projects/:id/pipelines/:pipeline_id}. {@code created}, {@code
 *       waiting_for_resource}, {@code preparing}, {@code pending}, {@code scheduled} are QUEUED; {@code running},
 *       {@code waiting_for_callback} and {@code manual} (stopped at a manual job that gates the pipeline: under way,
 *       waiting for a person) RUNNING; {@code success} SUCCEEDED; {@code failed} FAILED; {@code canceled}, {@code
 *       canceling} and {@code skipped} CANCELLED; an unknown status RUNNING until the pipeline has a {@code
 *       finished_at}, then FAILED. {@link dev.scaleplane.api.adapters.ci.CiRun#conclusion()} is GitLab's own status.
 *   <li>{@code awaitCompletion}: polls {@code status} from {@code pipelines.poll-interval}, doubling to {@code
 *       pipelines.max-poll-interval}, with jitter (the plumbing's {@code RunPoller}); the credential's rate-limit
 *       governor spaces the calls further when the budget runs low. A {@code manual} pipeline is awaited until a
 *       person plays its job or the timeout passes.
 *   <li>{@code cancel}: {@code POST /api/v4/projects/:id/pipelines/:pipeline_id/cancel}, which answers {@code 200}
 *       with the pipeline after the request whatever its state (a finished pipeline stays as it was): that answer is
 *       returned.
 *   <li>{@code runs}: {@code GET /api/v4/projects/:id/pipelines?order_by=id&sort=desc&per_page=<page-size>}, newest
 *       first, following {@code x-next-page} lazily (empty on the last page).
 * </ul>
 *
 * Rate limits: GitLab's {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} headers and
 * {@code Retry-After} on {@code 429} drive the plumbing's governor, one budget per token. Errors: GitLab's {@code
 * {"message": ...}} (or {@code {"error": ...}}) bodies become the typed exceptions' server message.
 */
public final class GitLabCiProvider implements CiAdapterProvider {

    /** Creates the provider; stateless. */
    public GitLabCiProvider() {}

    @Override
    public String name() {
        return "gitlab";
    }

    /** Run id on trigger (GitLab answers with the pipeline), cancel, inputs (as pipeline variables). */
    @Override
    public Set<CiCapability> capabilities() {
        return EnumSet.of(CiCapability.RUN_ID_ON_TRIGGER, CiCapability.CANCEL, CiCapability.INPUTS);
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        GitLabSettings.read(instance, config);
    }

    @Override
    public CiAdapter create(String instance, ProviderContext context) {
        return GitLabInstance.pipelines(instance, context);
    }
}
