/**
 * Test helpers for code that uses Scaleplane, with no test framework: {@link dev.scaleplane.testing.VirtualTaskClock}
 * runs leases, retries, delays and deadlines on virtual time, {@link dev.scaleplane.testing.TestProviderContext}
 * creates a provider's service without a platform, and {@link dev.scaleplane.testing.CapturedOutput} copies the
 * standard streams (where slf4j-simple logs) so a test can check log lines. Add {@code dev.scaleplane:scaleplane-test}
 * with test scope; the compatibility kits of {@code scaleplane-tck} build on it.
 */
@NullMarked
package dev.scaleplane.testing;

import org.jspecify.annotations.NullMarked;
