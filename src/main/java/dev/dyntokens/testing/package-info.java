/**
 * A fast, stateful, in-process fake of the Dynamic API's token endpoints for tests, load tests and
 * benchmarks. It speaks the wire format on its own (Jackson streaming and trees), independent of
 * the client's model classes, so a mistake in one cannot hide in the other.
 *
 * <pre>{@code
 * try (FakeDynamicApi api = FakeDynamicApi.builder()
 *     .maxLiveTokens(100)
 *     .faults(FaultPlan.builder().script(FaultPlan.Target.CREATE, FaultKind.STATUS_503).build())
 *     .start()) {
 *   // point a client at api.baseUrl() with api.apiToken(); assert on api.stats(), api.tokens()
 * }
 * }</pre>
 *
 * <p>From the command line, {@code dev.dyntokens.bench.FakeApiServer} in {@code benchmarks/} serves
 * until killed, with the options of {@link dev.dyntokens.testing.FakeDynamicApiOptions}.
 */
@NullMarked
package dev.dyntokens.testing;

import org.jspecify.annotations.NullMarked;
