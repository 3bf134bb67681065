/** Forwarding events from one bus to another: {@link dev.scaleplane.core.bridge.EventBridge}. */
@NullMarked
package dev.scaleplane.core.bridge;

import org.jspecify.annotations.NullMarked;
