/**
 * The event store on PostgreSQL: {@link dev.scaleplane.events.postgres.PostgresEventStoreProvider} and its settings,
 * {@link dev.scaleplane.events.postgres.PostgresStoreConfig}. Everything else is internal.
 */
@NullMarked
package dev.scaleplane.events.postgres;

import org.jspecify.annotations.NullMarked;
