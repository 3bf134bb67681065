/** Implementation of the Prometheus adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.prometheus.internal;

import org.jspecify.annotations.NullMarked;
