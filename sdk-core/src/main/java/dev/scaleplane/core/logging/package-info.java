/**
 * Logging shared by every module: {@link dev.scaleplane.core.logging.RateLimitedLog}, so that a failure that repeats
 * (a broker down, a cluster partitioned, a sender probing a webhook) is logged once per interval, not once per
 * attempt. Part of the supported backend API.
 */
@NullMarked
package dev.scaleplane.core.logging;

import org.jspecify.annotations.NullMarked;
