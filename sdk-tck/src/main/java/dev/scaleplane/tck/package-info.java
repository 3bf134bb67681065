/**
 * Compatibility kits for Scaleplane backends: abstract JUnit 5 classes that a backend module subclasses once in its
 * tests and runs against the real backend. Start with {@link dev.scaleplane.tck.EventBusCompatibilityKit}.
 */
@NullMarked
package dev.scaleplane.tck;

import org.jspecify.annotations.NullMarked;
