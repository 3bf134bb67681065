/** Implementation of the Linear adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.linear.internal;

import org.jspecify.annotations.NullMarked;
