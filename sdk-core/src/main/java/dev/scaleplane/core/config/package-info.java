/**
 * Configuration: {@link dev.scaleplane.core.config.ScaleplaneProperties}, flat key-value settings layered from a
 * properties file, environment variables, system properties and explicit values, and
 * {@link dev.scaleplane.core.config.ConfigReader}, which reads typed settings and reports every invalid one at once.
 *
 * <p>Part of the supported backend API: providers read their {@code scaleplane.<area>.<name>.*} keys with {@link
 * dev.scaleplane.core.config.ConfigReader} so that every problem lands in one {@link
 * dev.scaleplane.api.ConfigurationException}; kept compatible within a minor version.
 */
@NullMarked
package dev.scaleplane.core.config;

import org.jspecify.annotations.NullMarked;
