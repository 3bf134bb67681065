/**
 * Service provider interfaces: what a backend module implements so that the SDK can find it with
 * {@link java.util.ServiceLoader}.
 *
 * <p>A provider is a small stateless factory with a public no-arg constructor, registered in
 * {@code META-INF/services/<interface name>}. The SDK selects one provider per service with a fixed rule (see
 * {@link dev.scaleplane.api.spi.EventBusProvider}) and calls its {@code create} method once per platform.
 */
@NullMarked
package dev.scaleplane.api.spi;

import org.jspecify.annotations.NullMarked;
