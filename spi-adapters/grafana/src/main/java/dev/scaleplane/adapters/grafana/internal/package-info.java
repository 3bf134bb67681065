/** Implementation of the Grafana adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.grafana.internal;

import org.jspecify.annotations.NullMarked;
