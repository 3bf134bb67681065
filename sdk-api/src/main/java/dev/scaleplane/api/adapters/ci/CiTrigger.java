package dev.scaleplane.api.adapters.ci;

import java.util.Map;
import java.util.Objects;

/**
 * What to run: a pipeline (GitHub workflow file or id in {@code owner/repo}, GitLab project path or id, Jenkins job
 * path such as {@code folder/sub/job}), a ref (branch, tag or commit), and inputs (GitHub workflow inputs, GitLab
 * variables, Jenkins parameters).
 *
 * @param pipeline what to run, in the system's own naming
 * @param ref the branch, tag or commit to run on; empty where the system has none (a Jenkins job without SCM)
 * @param inputs inputs, variables or parameters by name
 */
public record CiTrigger(String pipeline, String ref, Map<String, String> inputs) {

    /** Validates and copies. */
    public CiTrigger {
        Objects.requireNonNull(pipeline, "pipeline");
        if (pipeline.isBlank()) {
            throw new IllegalArgumentException("pipeline must not be blank");
        }
        Objects.requireNonNull(ref, "ref");
        inputs = Map.copyOf(inputs);
    }

    /** A trigger without inputs. */
    public static CiTrigger of(String pipeline, String ref) {
        return new CiTrigger(pipeline, ref, Map.of());
    }
}
