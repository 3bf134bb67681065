/**
 * Internal: finding service providers ({@link dev.scaleplane.core.internal.discovery.ProviderLoader}) and choosing one
 * by the documented selection rule ({@link dev.scaleplane.core.internal.discovery.ProviderSelector}). Not an API:
 * may change in any release.
 */
@NullMarked
package dev.scaleplane.core.internal.discovery;

import org.jspecify.annotations.NullMarked;
