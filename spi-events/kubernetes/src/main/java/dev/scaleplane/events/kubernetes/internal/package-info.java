/** Implementation of the Kubernetes Events mirror, source and bus. Internal: no compatibility promise. */
@NullMarked
package dev.scaleplane.events.kubernetes.internal;

import org.jspecify.annotations.NullMarked;
