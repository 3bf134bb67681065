/**
 * Decorators that work in front of any adapter of a kind, whatever its system: {@link
 * dev.scaleplane.core.adapters.SecretsCache}, the read-through cache of secrets. The platform applies them by
 * configuration ({@code scaleplane.adapters.<instance>.cache.*}); code that creates adapters itself applies them with
 * their builders.
 */
@NullMarked
package dev.scaleplane.core.adapters;

import org.jspecify.annotations.NullMarked;
