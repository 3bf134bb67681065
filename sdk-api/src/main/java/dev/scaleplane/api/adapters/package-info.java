/**
 * Failures of calls to external systems (CI servers, issue trackers, observability and secrets backends), one type per
 * kind of failure, each carrying what the server said: the system and instance, HTTP method and path, status, the
 * server's request id and message. Never a credential.
 *
 * <p>Catch {@link dev.scaleplane.api.adapters.AdapterException} for every adapter failure, or a subtype for one kind:
 * {@link dev.scaleplane.api.adapters.AdapterAuthenticationException} (401/403),
 * {@link dev.scaleplane.api.adapters.AdapterNotFoundException} (404/410),
 * {@link dev.scaleplane.api.adapters.AdapterRequestRefusedException} (400/409/422),
 * {@link dev.scaleplane.api.adapters.AdapterRateLimitedException} (budget exhausted) and
 * {@link dev.scaleplane.api.adapters.AdapterUnavailableException} (5xx, timeouts, connection failures, an open
 * circuit breaker).
 */
@NullMarked
package dev.scaleplane.api.adapters;

import org.jspecify.annotations.NullMarked;
