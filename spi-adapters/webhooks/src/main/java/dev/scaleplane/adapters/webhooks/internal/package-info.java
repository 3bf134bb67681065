/** Implementation of the webhook receiver: each sender's checks and payload mapping, the rejection log. */
@NullMarked
package dev.scaleplane.adapters.webhooks.internal;

import org.jspecify.annotations.NullMarked;
