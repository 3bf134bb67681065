/**
 * CI systems behind one small interface: trigger a workflow, pipeline or job with a ref and inputs, follow its run to
 * the end, cancel it, list recent runs. Implementations (GitHub Actions, GitLab CI, Jenkins) are found through
 * {@link dev.scaleplane.api.spi.CiAdapterProvider}; a platform holds named instances (two Jenkins servers, GitHub
 * Enterprise and github.com), reached with {@code platform.adapters().ci(name)}.
 */
@NullMarked
package dev.scaleplane.api.adapters.ci;

import org.jspecify.annotations.NullMarked;
