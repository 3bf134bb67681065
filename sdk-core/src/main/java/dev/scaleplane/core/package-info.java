/**
 * The entry point of the SDK: {@link dev.scaleplane.core.Scaleplane#builder()} assembles a
 * {@link dev.scaleplane.core.ScaleplanePlatform} from configuration and the backends found on the class path.
 */
@NullMarked
package dev.scaleplane.core;

import org.jspecify.annotations.NullMarked;
