/**
 * Configuration: {@link dev.scaleplane.core.config.ScaleplaneProperties}, flat key-value settings layered from a
 * properties file, environment variables, system properties and explicit values, and
 * {@link dev.scaleplane.core.config.ConfigReader}, which reads typed settings and reports every invalid one at once.
 */
@NullMarked
package dev.scaleplane.core.config;

import org.jspecify.annotations.NullMarked;
