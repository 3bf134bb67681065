/** Implementation of the PostgreSQL event store; not an API, may change in any release. */
@NullMarked
package dev.scaleplane.events.postgres.internal;

import org.jspecify.annotations.NullMarked;
