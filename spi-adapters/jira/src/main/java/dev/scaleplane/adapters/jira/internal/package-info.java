/** Implementation of the Jira adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.jira.internal;

import org.jspecify.annotations.NullMarked;
