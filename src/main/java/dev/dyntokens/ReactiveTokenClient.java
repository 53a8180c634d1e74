package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.internal.ClientConfig;
import dev.dyntokens.internal.TokenEngine;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * A reactive client for the API-token endpoints of the Dynamic dashboard API.
 *
 * <pre>{@code
 * ReactiveTokenClient client = ReactiveTokenClient.builder()
 *     .apiToken(System.getenv("DYNAMIC_API_TOKEN"))
 *     .build();
 *
 * Mono<Token> token = client.createToken(
 *     CreateTokenRequest.of("ci deploy key", TokenScope.ENVIRONMENT_USERS_READ));
 * token.subscribe(t -> vault.store(t.id(), t.rawToken()));
 * }</pre>
 *
 * <p>Every method is lazy: nothing is sent until the returned publisher is subscribed to, and each
 * subscription is one logical call (with its own retries, see {@link RetryPolicy}). Cancelling the
 * subscription aborts the call, including any retry wait. Nothing blocks: all waits run on Reactor
 * timers and Netty event loops. Every failure is a {@link TokenClientException}.
 *
 * <p>Arguments are checked when a method is called: a null argument throws {@link
 * NullPointerException}, and an id that is empty, longer than 128 characters or contains anything
 * but letters, digits, {@code -} and {@code _} throws {@link IllegalArgumentException}, so no id
 * can change the request's path.
 *
 * <p>A client is thread-safe and meant to be shared. {@link #close()} releases the event loops and
 * connection pool the client created itself, never those of an {@link Builder#httpClient
 * HttpClient} the caller passed in.
 */
public final class ReactiveTokenClient implements AutoCloseable {
  private final TokenEngine api;

  private ReactiveTokenClient(TokenEngine api) {
    this.api = api;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Creates a user API token ({@code POST /user/tokens}). The answer holds its only secret. */
  public Mono<Token> createToken(CreateTokenRequest request) {
    return createToken(request, RequestOptions.none());
  }

  /** {@link #createToken(CreateTokenRequest)} with per-call options. */
  public Mono<Token> createToken(CreateTokenRequest request, RequestOptions options) {
    requireNonNull(request, "request == null");
    requireNonNull(options, "options == null");
    return api.createToken(null, request, options);
  }

  /** Creates an environment API token ({@code POST /environments/{environmentId}/tokens}). */
  public Mono<Token> createEnvironmentToken(String environmentId, CreateTokenRequest request) {
    return createEnvironmentToken(environmentId, request, RequestOptions.none());
  }

  /** {@link #createEnvironmentToken(String, CreateTokenRequest)} with per-call options. */
  public Mono<Token> createEnvironmentToken(
      String environmentId, CreateTokenRequest request, RequestOptions options) {
    requireNonNull(environmentId, "environmentId == null");
    requireNonNull(request, "request == null");
    requireNonNull(options, "options == null");
    return api.createToken(environmentId, request, options);
  }

  /** Lists the user's API tokens ({@code GET /user/tokens}), without their secrets. */
  public Flux<TokenInfo> listTokens() {
    return listTokens(RequestOptions.none());
  }

  /** {@link #listTokens()} with per-call options. */
  public Flux<TokenInfo> listTokens(RequestOptions options) {
    requireNonNull(options, "options == null");
    return api.listTokens(null, options);
  }

  /** Lists an environment's API tokens ({@code GET /environments/{environmentId}/tokens}). */
  public Flux<TokenInfo> listEnvironmentTokens(String environmentId) {
    return listEnvironmentTokens(environmentId, RequestOptions.none());
  }

  /** {@link #listEnvironmentTokens(String)} with per-call options. */
  public Flux<TokenInfo> listEnvironmentTokens(String environmentId, RequestOptions options) {
    requireNonNull(environmentId, "environmentId == null");
    requireNonNull(options, "options == null");
    return api.listTokens(environmentId, options);
  }

  /** Deletes a user API token ({@code DELETE /user/tokens/{tokenId}}). */
  public Mono<Void> deleteToken(String tokenId) {
    return deleteToken(tokenId, RequestOptions.none());
  }

  /** {@link #deleteToken(String)} with per-call options. */
  public Mono<Void> deleteToken(String tokenId, RequestOptions options) {
    requireNonNull(tokenId, "tokenId == null");
    requireNonNull(options, "options == null");
    return api.deleteToken(null, tokenId, options);
  }

  /** Deletes an environment token ({@code DELETE /environments/{environmentId}/tokens/{id}}). */
  public Mono<Void> deleteEnvironmentToken(String environmentId, String tokenId) {
    return deleteEnvironmentToken(environmentId, tokenId, RequestOptions.none());
  }

  /** {@link #deleteEnvironmentToken(String, String)} with per-call options. */
  public Mono<Void> deleteEnvironmentToken(
      String environmentId, String tokenId, RequestOptions options) {
    requireNonNull(environmentId, "environmentId == null");
    requireNonNull(tokenId, "tokenId == null");
    requireNonNull(options, "options == null");
    return api.deleteToken(environmentId, tokenId, options);
  }

  /**
   * Introspects the API token in use ({@code GET /tokens/me}), without its secret: a service calls
   * it at start-up to check that its token is valid and has the scopes it needs.
   */
  public Mono<TokenInfo> currentToken() {
    return currentToken(RequestOptions.none());
  }

  /** {@link #currentToken()} with per-call options. */
  public Mono<TokenInfo> currentToken(RequestOptions options) {
    requireNonNull(options, "options == null");
    return api.currentToken(options);
  }

  /**
   * Prepares what the first call would otherwise set up on its way, so that it is not slower than
   * the next: Reactor Netty's {@code HttpClient.warmup()} for the client's transport, which starts
   * the event loops, initializes the host name resolver, and loads the native transport and TLS
   * libraries where there are any (the TLS context itself is made when the client is built). It
   * opens no connection and sends no request (the first call still pays its TCP and TLS handshake;
   * on HTTP/2 that one connection then carries the calls after it). With {@link
   * Builder#httpClient(HttpClient)} it warms the caller's client, which is harmless.
   *
   * <p>Lazy: nothing happens until subscription; it completes empty when done. The work is class
   * loading and initialization on the subscribing thread, so subscribe from a start-up thread (or
   * {@code block()} there, as in a Spring {@code ApplicationRunner}), never from an event loop.
   * Fails with {@link IllegalStateException} once the client is closed.
   */
  public Mono<Void> warmup() {
    return api.warmup();
  }

  /**
   * {@link #warmup()}, then opens up to {@code connections} pooled connections (their TCP and TLS
   * handshakes) with that many concurrent {@link #currentToken()} requests, each sent once. Any
   * answer counts (an error status, an undecodable body); no answer ({@link TransportException},
   * the deadline) fails it. The requests go out at once, so they open n connections wherever each
   * takes longer than sending them all; on loopback a later one may reuse a connection an earlier
   * one has just returned. On HTTP/2 one connection carries up to the server's stream limit.
   *
   * @throws IllegalArgumentException if {@code connections} is not 1 to 10,000
   */
  public Mono<Void> warmup(int connections) {
    if (connections < 1 || connections > 10_000) {
      throw new IllegalArgumentException("connections must be 1 to 10000 but was " + connections);
    }
    return api.warmup().then(api.openConnections(connections));
  }

  /** The base URL calls go to, for example {@code https://app.dynamicauth.com/api/v0}. */
  public String baseUrl() {
    return api.baseUrl();
  }

  /**
   * Stops the client's background clean-ups (see {@link RetryPolicy.Builder#reconcileCreates}) and
   * releases the event loops and connection pool this client created; a caller's {@link HttpClient}
   * is left alone. Does not wait for their threads to stop ({@link #closeLater()} does). Calls made
   * after closing fail. Idempotent.
   */
  @Override
  public void close() {
    api.closeLater().subscribe();
  }

  /**
   * Closes the client as {@link #close()} does, without blocking: the Mono completes when the
   * resources the client created are released. Lazy: nothing happens until subscription.
   */
  public Mono<Void> closeLater() {
    return api.closeLater();
  }

  /** Never shows the API token. */
  @Override
  public String toString() {
    return "ReactiveTokenClient[" + api + "]";
  }

  /** Configures a {@link ReactiveTokenClient}. Every setter checks its argument at once. */
  public static final class Builder {
    private final ClientConfig.Builder settings = ClientConfig.builder();

    private Builder() {}

    /**
     * The API's base URL. Default {@code https://app.dynamicauth.com/api/v0}. Plain {@code http} is
     * refused unless the host is a loopback address, so the bearer token never crosses a network in
     * clear text.
     */
    public Builder baseUrl(String baseUrl) {
      settings.baseUrl(requireNonNull(baseUrl, "baseUrl == null"));
      return this;
    }

    /** The API token sent as {@code Authorization: Bearer <apiToken>} on every call. */
    public Builder apiToken(String apiToken) {
      settings.apiToken(requireNonNull(apiToken, "apiToken == null"));
      return this;
    }

    /**
     * Supplies the API token per call instead of once: the Mono is subscribed to at the start of
     * every call, so a service can rotate its token without rebuilding the client. Cache it
     * yourself if fetching it is costly. Replaces {@link #apiToken(String)}.
     */
    public Builder apiTokenProvider(Mono<String> apiTokenProvider) {
      settings.apiTokenProvider(requireNonNull(apiTokenProvider, "apiTokenProvider == null"));
      return this;
    }

    /** When and how failed calls are retried. Default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      settings.retryPolicy(requireNonNull(retryPolicy, "retryPolicy == null"));
      return this;
    }

    /** Bound on establishing a connection (TCP and TLS), 1 ms to 5 minutes. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      settings.connectTimeout(requireNonNull(connectTimeout, "connectTimeout == null"));
      return this;
    }

    /**
     * Bound on one attempt from the request being written to the last byte of the answer, so a body
     * that stalls halfway times out too. 1 ms to 5 minutes. Default 10 s.
     */
    public Builder responseTimeout(Duration responseTimeout) {
      settings.responseTimeout(requireNonNull(responseTimeout, "responseTimeout == null"));
      return this;
    }

    /**
     * Sends calls through the caller's Reactor Netty client, with its event loops, connection pool,
     * TLS and proxy settings, as a WebFlux application shares its own. The client adds its timeouts
     * on top and never disposes the caller's resources. Default: a client of its own (see {@link
     * #maxConnections(int)}).
     */
    public Builder httpClient(HttpClient httpClient) {
      settings.httpClient(requireNonNull(httpClient, "httpClient == null"));
      return this;
    }

    /**
     * Runs the client's own connection pool on the caller's event loops (a WebFlux server's, as
     * {@code ReactorResourceFactory.getLoopResources()} gives them), so calls and their answers
     * stay on those threads, while the pool, its size and its eviction (idle 20 s, life 60 s) stay
     * the client's. {@link #close()} disposes the pool, never the loops. Default: event loops of
     * the client's own. Ignored with {@link #httpClient(HttpClient)}.
     */
    public Builder loopResources(LoopResources loopResources) {
      settings.loopResources(requireNonNull(loopResources, "loopResources == null"));
      return this;
    }

    /**
     * The TLS settings for an {@code https} base URL: trusted certificates, an optional client key
     * and certificate, protocols and ciphers, as a Netty client context ({@code
     * SslContextBuilder.forClient()}). Hostname verification stays on. It replaces the TLS settings
     * of an {@link #httpClient(HttpClient)} too; a plain {@code http} (loopback) base URL ignores
     * it. Default: the JDK's trusted certificates and Netty's defaults.
     *
     * @throws IllegalArgumentException if it is a server context
     */
    public Builder sslContext(SslContext sslContext) {
      settings.sslContext(requireNonNull(sslContext, "sslContext == null"));
      return this;
    }

    /**
     * Size of the client's own connection pool, 1 to 10,000. Default 512, enough for a load test
     * with hundreds of calls in flight. Ignored with {@link #httpClient(HttpClient)}.
     */
    public Builder maxConnections(int maxConnections) {
      settings.maxConnections(maxConnections);
      return this;
    }

    /**
     * How many calls may wait for a pooled connection, 0 to 100,000; beyond it a call fails at once
     * with {@link ConnectionPoolExhaustedException}. Default 1,024. A waiting call gives up after 5
     * s. Ignored with {@link #httpClient(HttpClient)}.
     */
    public Builder maxPendingAcquires(int maxPendingAcquires) {
      settings.maxPendingAcquires(maxPendingAcquires);
      return this;
    }

    /**
     * The Jackson mapper to start from; the client uses a copy configured to ignore unknown fields
     * and to refuse values of the wrong type. Default: a plain {@code new ObjectMapper()}.
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      settings.objectMapper(requireNonNull(objectMapper, "objectMapper == null"));
      return this;
    }

    /**
     * Logs every request and answer at DEBUG under {@code dev.dyntokens.wire}, with the {@code
     * Authorization} header and every raw token masked. Default off.
     */
    public Builder wiretap(boolean wiretap) {
      settings.wiretap(wiretap);
      return this;
    }

    /**
     * Offers HTTP/2 to the server by TLS ALPN (falling back to HTTP/1.1 where the server does not
     * take it): calls then share few connections as concurrent streams instead of one connection
     * per call in flight, so a burst opens no new connections and pays no new TLS handshakes. Every
     * guarantee holds per stream: each exchange's response timeout, the closing of a cancelled
     * exchange (a stream reset, leaving the connection's other calls alone), and the masked wire
     * log. Needs an {@code https} base URL ({@link #build()} refuses plain http). With {@link
     * #httpClient(HttpClient)} the caller's client is switched to HTTP/2 and HTTP/1.1; its own TLS
     * settings must then offer ALPN ({@code Http2SslContextSpec}). Default off: HTTP/1.1.
     */
    public Builder http2(boolean http2) {
      settings.http2(http2);
      return this;
    }

    /**
     * Where the client reports its calls, attempts, retries and pacing, for meters and traces.
     * Default {@link ClientTelemetry#NONE}. For Micrometer: {@code
     * dev.dyntokens.micrometer.MicrometerTelemetry}.
     */
    public Builder telemetry(ClientTelemetry telemetry) {
      settings.telemetry(requireNonNull(telemetry, "telemetry == null"));
      return this;
    }

    /**
     * Adds headers to every request from the caller's Reactor {@code Context} (a trace id, a
     * tenant): the function sees the context of the subscription, through retries, and its headers
     * are added beside the client's own, which they cannot replace ({@code Authorization}, {@code
     * Host}, {@code User-Agent}, {@code Accept}, {@code Content-Type}, {@code Content-Length},
     * {@code Idempotency-Key} and the framing headers are ignored if the function returns them).
     */
    public Builder contextHeaders(
        java.util.function.Function<reactor.util.context.ContextView, java.util.Map<String, String>>
            contextHeaders) {
      settings.contextHeaders(requireNonNull(contextHeaders, "contextHeaders == null"));
      return this;
    }

    /**
     * @throws IllegalStateException if no API token or provider was set, or {@link #http2} is on
     *     with a plain http base URL
     */
    public ReactiveTokenClient build() {
      return new ReactiveTokenClient(new TokenEngine(settings.build()));
    }
  }
}
