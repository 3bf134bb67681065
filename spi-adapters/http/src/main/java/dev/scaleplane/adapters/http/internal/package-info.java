/** Implementation of the adapter HTTP plumbing: the interceptors, authenticators and helpers. Not API. */
@NullMarked
package dev.scaleplane.adapters.http.internal;

import org.jspecify.annotations.NullMarked;
