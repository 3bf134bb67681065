/** Implementation of the GitHub adapters; not an API. */
@NullMarked
package dev.scaleplane.adapters.github.internal;

import org.jspecify.annotations.NullMarked;
