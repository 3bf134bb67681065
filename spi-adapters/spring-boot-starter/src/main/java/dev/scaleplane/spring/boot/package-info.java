/**
 * Spring Boot auto-configuration for Scaleplane: a {@link dev.scaleplane.core.ScaleplanePlatform} built from the
 * {@code scaleplane.*} properties of the Spring {@link org.springframework.core.env.Environment}, its services as
 * beans, health indicators per backend and a shutdown ordered after the web server's.
 *
 * <p>Every bean backs off when the application defines one of the same type ({@code @ConditionalOnMissingBean}).
 */
@NullMarked
package dev.scaleplane.spring.boot;

import org.jspecify.annotations.NullMarked;
