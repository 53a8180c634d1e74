/**
 * Spring Boot auto-configuration of a {@link dev.dyntokens.ReactiveTokenClient} from {@code
 * dynamic.tokens.*} properties. Optional: it is active only when Spring Boot is on the classpath,
 * and the library needs no Spring otherwise.
 */
@NullMarked
package dev.dyntokens.spring;

import org.jspecify.annotations.NullMarked;
