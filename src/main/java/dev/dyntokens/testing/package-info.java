/**
 * A fast, stateful, in-process fake of the Dynamic API's token endpoints for tests, load tests and
 * benchmarks: start one with {@link dev.dyntokens.testing.FakeDynamicApi#builder()}. It speaks the
 * wire format on its own (Jackson streaming and trees), independent of the client's model classes,
 * so a mistake in one cannot hide in the other.
 */
@NullMarked
package dev.dyntokens.testing;

import org.jspecify.annotations.NullMarked;
