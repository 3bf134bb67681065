/**
 * The platform event catalog: twelve typed payloads in three groups (deployment, infrastructure, platform), each
 * registered under a versioned type name held in its {@code TYPE} constant.
 *
 * <p>Records validate required fields in their constructors and copy collections, so every instance is immutable.
 */
@NullMarked
package dev.scaleplane.api.events.catalog;

import org.jspecify.annotations.NullMarked;
