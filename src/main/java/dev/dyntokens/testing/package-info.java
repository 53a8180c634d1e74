/**
 * A fast, stateful, in-process fake of the Dynamic API's token endpoints for tests, load tests and
 * benchmarks. It speaks the wire format on its own (Jackson streaming and trees), independent of
 * the client's model classes, so a mistake in one cannot hide in the other. The one thing it takes
 * from the client is the default list of scopes a create may ask for, {@link
 * dev.dyntokens.TokenScope#knownScopes()}, so that list has a single home; the fake's tests name
 * the wire values literally, so a wrong value there still shows.
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
