/**
 * The events.k8s.io/v1 Event API as mirror, source and bus:
 *
 * <ul>
 *   <li>{@link dev.scaleplane.events.kubernetes.EventMirror} writes chosen platform events as Kubernetes Events on the
 *       objects they concern, in the clusters they concern;
 *   <li>{@link dev.scaleplane.events.kubernetes.KubernetesEventSource} watches Kubernetes Events across the fleet and
 *       publishes them as {@link dev.scaleplane.events.kubernetes.KubernetesEventObserved} platform events;
 *   <li>{@link dev.scaleplane.events.kubernetes.KubernetesEventBusProvider} (name {@code kubernetes}) is a best-effort,
 *       low-rate event bus on Events in one namespace, settings in
 *       {@link dev.scaleplane.events.kubernetes.KubernetesBusConfig}.
 * </ul>
 *
 * Everything in {@code internal} is internal.
 */
@NullMarked
package dev.scaleplane.events.kubernetes;

import org.jspecify.annotations.NullMarked;
