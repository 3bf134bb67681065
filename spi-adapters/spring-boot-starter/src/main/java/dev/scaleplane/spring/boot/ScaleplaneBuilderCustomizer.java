package dev.scaleplane.spring.boot;

import dev.scaleplane.core.Scaleplane;

/**
 * Adjusts the {@link Scaleplane.Builder} the auto-configuration builds the platform with, for what no bean or property
 * covers (providers wired explicitly, a clock, an event type registry). Every customizer bean is applied, in {@link
 * org.springframework.core.annotation.Order} order, after the builder got the configuration, the meter registry, the
 * task clock and the other beans the auto-configuration uses, so a customizer can override them.
 *
 * <p>Called once per platform, on the thread creating the platform bean.
 */
@FunctionalInterface
public interface ScaleplaneBuilderCustomizer {

    /**
     * Customizes the builder. Exceptions thrown here fail the creation of the platform bean and so the start-up.
     *
     * @param builder the builder, not yet built
     */
    void customize(Scaleplane.Builder builder);
}
