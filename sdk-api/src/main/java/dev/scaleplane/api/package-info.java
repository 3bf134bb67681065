/**
 * Scaleplane's public API: the platform entry points, value types and exceptions shared by every part of the SDK.
 *
 * <p>This module depends on the JDK only. Implementations live in {@code scaleplane-core} and the backend
 * modules; service provider interfaces live in {@link dev.scaleplane.api.spi}.
 */
@NullMarked
package dev.scaleplane.api;

import org.jspecify.annotations.NullMarked;
