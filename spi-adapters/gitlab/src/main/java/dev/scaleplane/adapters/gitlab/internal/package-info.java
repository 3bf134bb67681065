/** Implementation of the GitLab CI adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.gitlab.internal;

import org.jspecify.annotations.NullMarked;
