/** Implementation of the Datadog adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.datadog.internal;

import org.jspecify.annotations.NullMarked;
