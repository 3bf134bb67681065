/**
 * The README's Java code, one class per README code block: each README block is the class's imports followed by the
 * region between {@code // tag::readme[]} and {@code // end::readme[]}, which {@code ReadmeSnippetsTest} enforces.
 * These classes compile with the build and their tests run them, so a README example that stops compiling or
 * working fails the build. Edit the source here, then copy the region into the README block below its
 * {@code <!-- snippet: ... -->} marker (the test's failure message prints the block as it must read).
 */
@NullMarked
package dev.scaleplane.docs;

import org.jspecify.annotations.NullMarked;
