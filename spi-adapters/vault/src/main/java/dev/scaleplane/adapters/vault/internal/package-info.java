/** Implementation of the Vault KV v2 adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.vault.internal;

import org.jspecify.annotations.NullMarked;
