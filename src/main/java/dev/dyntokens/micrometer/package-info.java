/**
 * Micrometer meters and observations for the token client, apart from the core so that no public
 * type of the core names Micrometer. Needs {@code io.micrometer:micrometer-core} (meters) or {@code
 * micrometer-observation} (observations) on the classpath.
 */
@NullMarked
package dev.dyntokens.micrometer;

import org.jspecify.annotations.NullMarked;
