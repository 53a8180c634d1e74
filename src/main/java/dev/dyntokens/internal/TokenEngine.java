package dev.dyntokens.internal;

import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RequestOptions;
import dev.dyntokens.ResponseDecodingException;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.Token;
import dev.dyntokens.TokenInfo;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one entry point of the engine behind {@link ReactiveTokenClient}. A call travels one way:
 * {@link CallFactory} builds it, {@link CallEngine} runs it (deadline, retries, budget, pacing,
 * create safety), each attempt is one {@link Exchange}, whose answer {@link ResponseReaders}
 * decodes or maps to an error. Arguments are checked when a method is called; nothing is sent until
 * subscription.
 */
public final class TokenEngine {
  private final ClientConfig config;
  private final Transport transport;
  private final CallFactory calls;
  private final CallEngine engine;
  private final BackgroundWork background = new BackgroundWork();

  public TokenEngine(ClientConfig config) {
    this.config = config;
    this.transport = new Transport(config);
    Json json = new Json(config.objectMapper);
    this.calls = new CallFactory(config, json, new ResponseReaders(json, config.apiToken));
    this.engine =
        new CallEngine(
            new Exchange(transport, config),
            config.retryPolicy,
            config.telemetry,
            DeadlineTimer.shared());
  }

  public String baseUrl() {
    return config.baseUrl;
  }

  public Mono<Token> createToken(
      @Nullable String environmentId, CreateTokenRequest request, RequestOptions options) {
    Call<Token> call = calls.create(environmentId, request, options);
    ClientTelemetry telemetry = config.telemetry;
    if (call.policy.reconcileCreates()) {
      ReconcilingCreate.checkNoteRoom(request);
      return telemetry.observeCall(
          call.observed,
          Mono.defer(
              () ->
                  new ReconcilingCreate(
                          engine, calls, background, environmentId, request, call, options)
                      .run()));
    }
    ReportPossibleToken safety = new ReportPossibleToken(call.description, request);
    return telemetry.observeCall(
        call.observed,
        Mono.defer(
            () -> {
              // One key per logical call, the same on each of its attempts.
              Call<Token> keyed =
                  call.idempotencyKey != null ? call : call.withIdempotencyKey(Ids.uuidAscii());
              return engine.run(
                  keyed,
                  state -> engine.exchange(keyed, state),
                  safety,
                  CallEngine.NO_OUTER_DEADLINE);
            }));
  }

  public Flux<TokenInfo> listTokens(@Nullable String environmentId, RequestOptions options) {
    return engine
        .execute(calls.list(environmentId, Operation.LIST, options), CallEngine.NO_OUTER_DEADLINE)
        .flatMapIterable(list -> list);
  }

  public Mono<Void> deleteToken(
      @Nullable String environmentId, String tokenId, RequestOptions options) {
    return engine.execute(
        calls.delete(environmentId, tokenId, Operation.DELETE, options),
        CallEngine.NO_OUTER_DEADLINE);
  }

  public Mono<TokenInfo> currentToken(RequestOptions options) {
    return engine.execute(calls.currentToken(options), CallEngine.NO_OUTER_DEADLINE);
  }

  /** Reactor Netty's warm-up of the client's transport; see {@code ReactiveTokenClient}. */
  public Mono<Void> warmup() {
    return Mono.defer(
        () ->
            transport.isClosed()
                ? Mono.error(new IllegalStateException("client is closed"))
                : transport.http().warmup());
  }

  /**
   * Opens up to {@code connections} pooled connections ahead of the first calls, by as many
   * concurrent introspection requests ({@code GET /tokens/me}, read-only) sent once each: a
   * connection is only known to work once a request has crossed it (a proxy or TLS in between), and
   * the pool opens one per request while none is idle. An answer of any status or body counts (its
   * connection is open either way); no answer (a transport failure, the deadline) fails the
   * warm-up.
   */
  public Mono<Void> openConnections(int connections) {
    RequestOptions once = RequestOptions.builder().retryPolicy(RetryPolicy.none()).build();
    return Flux.range(0, connections)
        .flatMap(
            i ->
                currentToken(once).then().onErrorResume(TokenEngine::isAnAnswer, e -> Mono.empty()),
            connections)
        .then();
  }

  /** An error status or an undecodable body: the server answered, over an open connection. */
  private static boolean isAnAnswer(Throwable e) {
    return e instanceof DynamicApiException || e instanceof ResponseDecodingException;
  }

  /** Stops the background clean-ups, then disposes what the client created. */
  public Mono<Void> closeLater() {
    return Mono.defer(
        () -> {
          background.close();
          return transport.closeLater();
        });
  }

  /** How many background clean-ups are running; for tests and diagnostics. */
  public int backgroundCleanups() {
    return background.running();
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
