/** Implementation of the Kubernetes Secrets adapter and of secret propagation; not an API. */
@NullMarked
package dev.scaleplane.adapters.kubernetes.internal;

import org.jspecify.annotations.NullMarked;
