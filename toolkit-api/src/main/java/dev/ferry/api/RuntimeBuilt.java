package dev.ferry.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a value type of the SPI that ferry's runtime builds and hands to plugins, which read it.
 *
 * <p>Such a type may grow: a release may add components (and their accessors) to it. Its
 * constructors are therefore not part of the SPI's compatibility promise; plugins read instances
 * they are given, and plugin tests build them with the builders of {@code toolkit-testing}.
 * Everything else about the type (its accessors, its static factories, its other methods) is
 * covered by the promise like any other SPI member.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RuntimeBuilt
{
}
