/**
 * Placement for federation backends: {@link dev.scaleplane.core.federation.PlacementEngine}, the pure function from a
 * {@linkplain dev.scaleplane.api.federation.PlacementPolicy placement policy} and a
 * {@linkplain dev.scaleplane.api.federation.FleetSnapshot fleet snapshot} to an explained
 * {@linkplain dev.scaleplane.api.federation.PlacementDecision decision}, and the what-if simulation on top of it.
 *
 * <p>This is a supported API that federation backends build on (the fabric8 backend in
 * {@code scaleplane-federation-kubernetes} among them): every backend places with this one engine, so a policy means
 * the same thing on every backend and a decision can be replayed from its inputs. Applications use placement through
 * {@code platform.federation()} rather than calling the engine directly. Every public type here is stateless or
 * immutable, and thread-safe.
 */
@NullMarked
package dev.scaleplane.core.federation;

import org.jspecify.annotations.NullMarked;
