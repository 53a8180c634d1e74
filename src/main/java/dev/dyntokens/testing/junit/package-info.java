/**
 * A JUnit Jupiter extension that gives tests a running {@link dev.dyntokens.testing.FakeDynamicApi}
 * and a {@link dev.dyntokens.ReactiveTokenClient} pointed at it: {@link
 * dev.dyntokens.testing.junit.FakeDynamicApiExtension}. JUnit Jupiter is an optional dependency of
 * the library: only this package refers to it, and using it needs {@code junit-jupiter-api} on the
 * test class path (as any JUnit 5 or 6 test has).
 */
@NullMarked
package dev.dyntokens.testing.junit;

import org.jspecify.annotations.NullMarked;
