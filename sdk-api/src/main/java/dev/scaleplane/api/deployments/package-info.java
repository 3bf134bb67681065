/**
 * Deployments across the fleet: applications, requests, rollout strategies in waves, the status of a rollout, and
 * the events and meters of the deployment controller. See {@link dev.scaleplane.api.deployments.Deployments}.
 */
@NullMarked
package dev.scaleplane.api.deployments;

import org.jspecify.annotations.NullMarked;
