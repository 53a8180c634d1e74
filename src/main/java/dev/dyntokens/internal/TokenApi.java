package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenInfo;
import dev.dyntokens.TokenMayExistException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The engine behind {@link ReactiveTokenClient}: one HTTP exchange per attempt over Reactor Netty,
 * bounded reads, typed errors, and the retry layer around each logical call.
 */
public final class TokenApi {
  /** How long a call waits for a pooled connection before failing. */
  static final Duration PENDING_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

  /** Below common load-balancer idle timeouts (AWS ALB 60 s, nginx 75 s, GCP 600 s). */
  static final Duration MAX_IDLE_TIME = Duration.ofSeconds(20);

  static final Duration MAX_LIFE_TIME = Duration.ofSeconds(60);
  static final Duration EVICTION_INTERVAL = Duration.ofSeconds(10);

  static final String USER_AGENT = userAgent();

  static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");

  /** Headers the client sets itself, which the caller's context headers cannot replace. */
  private static final java.util.Set<AsciiString> OWN_HEADERS =
      java.util.Set.of(
          HttpHeaderNames.HOST,
          HttpHeaderNames.USER_AGENT,
          HttpHeaderNames.ACCEPT,
          HttpHeaderNames.AUTHORIZATION,
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.CONNECTION,
          IDEMPOTENCY_KEY);

  private final ClientSettings settings;
  private final Json json;
  private final HttpClient http;
  private final @Nullable ConnectionProvider ownedProvider;
  private final @Nullable LoopResources ownedLoops;
  private final @Nullable String staticAuthorization;
  private final String userTokensUrl;
  private final Retrier retrier;
  private final Telemetry telemetry;

  /** {@link ClientSettings#responseTimeout} in nanoseconds, for each connection's deadline. */
  private final long deadlineNanos;

  private volatile boolean closed;

  public TokenApi(ClientSettings settings) {
    this.settings = settings;
    this.json = new Json(settings.objectMapper);
    this.staticAuthorization = settings.apiToken == null ? null : "Bearer " + settings.apiToken;
    this.userTokensUrl = settings.baseUrl + "/user/tokens";
    // MicrometerTelemetry is loaded only here, so the client runs without Micrometer.
    this.telemetry =
        settings.meterRegistry != null || settings.observationRegistry != null
            ? MicrometerTelemetry.create(settings.meterRegistry, settings.observationRegistry)
            : Telemetry.NONE;
    HttpClient base;
    if (settings.httpClient != null) {
      this.ownedProvider = null;
      this.ownedLoops = null;
      base = settings.httpClient;
      if (settings.connectTimeoutSet) {
        base = withConnectTimeout(base, settings.connectTimeout);
      }
    } else {
      ConnectionProvider.Builder pool =
          ConnectionProvider.builder("dyntokens")
              .maxConnections(settings.maxConnections)
              .pendingAcquireMaxCount(settings.maxPendingAcquires)
              .pendingAcquireTimeout(PENDING_ACQUIRE_TIMEOUT)
              .maxIdleTime(MAX_IDLE_TIME)
              .maxLifeTime(MAX_LIFE_TIME)
              .evictInBackground(EVICTION_INTERVAL)
              .lifo();
      if (settings.meterRegistry != null) {
        pool = MicrometerTelemetry.withPoolGauges(pool, settings.meterRegistry);
      }
      this.ownedProvider = pool.build();
      this.ownedLoops =
          LoopResources.create(
              "dyntokens", Math.max(1, Runtime.getRuntime().availableProcessors()), true);
      base =
          withConnectTimeout(HttpClient.create(ownedProvider), settings.connectTimeout)
              .runOn(ownedLoops);
    }
    this.deadlineNanos = settings.responseTimeout.toNanos();
    // Set one by one: headers a caller's own HttpClient already carries (a proxy's, a tenant's)
    // stay; only the client's own names are replaced.
    HttpClient configured =
        base.headers(h -> setFixedHeaders(h, settings.baseUrl, staticAuthorization));
    if (settings.wiretap) {
      WireLogger logger = new WireLogger();
      configured =
          configured.doOnChannelInit(
              (observer, channel, address) -> {
                if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                  channel.pipeline().addBefore(NettyPipeline.HttpCodec, WireLogger.NAME, logger);
                } else {
                  channel.pipeline().addFirst(WireLogger.NAME, logger);
                }
              });
    }
    this.http = configured;
    this.retrier =
        new Retrier(
            settings.retryPolicy,
            settings.connectTimeout.toMillis()
                + PENDING_ACQUIRE_TIMEOUT.toMillis()
                + settings.responseTimeout.toMillis(),
            telemetry);
  }

  /**
   * The headers every request carries, validated once here and copied into each request as they are
   * ({@code Host} too, which Reactor Netty would otherwise format per request). Values are {@link
   * AsciiString}s, which the encoder copies as bytes.
   */
  private static void setFixedHeaders(
      HttpHeaders h, String baseUrl, @Nullable String authorization) {
    h.set(HttpHeaderNames.HOST, AsciiString.of(hostHeader(URI.create(baseUrl))));
    h.set(HttpHeaderNames.USER_AGENT, AsciiString.of(USER_AGENT));
    h.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
    if (authorization != null) {
      h.set(HttpHeaderNames.AUTHORIZATION, AsciiString.of(authorization));
    }
  }

  /** {@code host[:port]}, the port left out when it is the scheme's default (RFC 9110 7.2). */
  static String hostHeader(URI uri) {
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443)
            || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80);
    return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  private static HttpClient withConnectTimeout(HttpClient client, Duration timeout) {
    return client.option(
        ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()));
  }

  private static String userAgent() {
    String version = TokenApi.class.getPackage().getImplementationVersion();
    return "dynamic-token-client/"
        + (version == null ? "dev" : version)
        + " (Java "
        + Runtime.version().feature()
        + "; reactor-netty)";
  }

  public String baseUrl() {
    return settings.baseUrl;
  }

  // ---- operations ----

  public Mono<Token> createToken(@Nullable String environmentId, CreateTokenRequest request) {
    String url = tokensUrl(environmentId);
    String description = "POST " + path(url);
    if (settings.retryPolicy.reconcileCreates()) {
      ReconcilingCreate.checkNoteRoom(request);
      return telemetry.call(
          "create",
          target(environmentId),
          Mono.defer(
              () -> {
                ReconcilingCreate call =
                    new ReconcilingCreate(this, environmentId, request, url, description);
                return call.run();
              }));
    }
    byte[] body = json.encode(request);
    return telemetry.call(
        "create",
        target(environmentId),
        Mono.defer(
            () -> {
              // One key per logical call, the same on each of its attempts.
              AsciiString idempotencyKey = Ids.uuidAscii();
              return retrier.run(
                  exchange(
                      HttpMethod.POST, url, description, body, idempotencyKey, this::readCreated),
                  Retrier.Kind.CREATE,
                  description,
                  new PlainCreateHooks(description, request));
            }));
  }

  private static String target(@Nullable String environmentId) {
    return environmentId == null ? "user" : "environment";
  }

  public Flux<TokenInfo> listTokens(@Nullable String environmentId) {
    return telemetry
        .call("list", target(environmentId), listOnce(environmentId))
        .flatMapIterable(list -> list);
  }

  Mono<List<TokenInfo>> listOnce(@Nullable String environmentId) {
    String url = tokensUrl(environmentId);
    String description = "GET " + path(url);
    return retrier.run(
        exchange(HttpMethod.GET, url, description, null, null, this::readList),
        Retrier.Kind.IDEMPOTENT,
        description,
        null);
  }

  public Mono<Void> deleteToken(@Nullable String environmentId, String tokenId) {
    String url = tokensUrl(environmentId) + "/" + tokenId;
    String description = "DELETE " + path(url);
    return telemetry.call(
        "delete",
        target(environmentId),
        retrier.run(
            exchange(HttpMethod.DELETE, url, description, null, null, this::readNothing),
            Retrier.Kind.DELETE,
            description,
            null));
  }

  /** Sends one create with this body; each subscription is one attempt sequence's attempt. */
  Mono<Token> createAttempt(
      String url, String description, byte[] body, CharSequence idempotencyKey) {
    return exchange(HttpMethod.POST, url, description, body, idempotencyKey, this::readCreated);
  }

  Json json() {
    return json;
  }

  Retrier retrier() {
    return retrier;
  }

  /** Without reconciling: an ambiguous create is reported with what is needed to find it. */
  private static final class PlainCreateHooks implements Retrier.CreateHooks {
    private final String description;
    private final CreateTokenRequest request;

    PlainCreateHooks(String description, CreateTokenRequest request) {
      this.description = description;
      this.request = request;
    }

    @Override
    public @Nullable Mono<Void> reconcile() {
      return null;
    }

    @Override
    public TokenClientException mayExist(long startMillis, long endMillis) {
      return new TokenMayExistException(
          description,
          request.note(),
          request.scopes(),
          Instant.ofEpochMilli(startMillis),
          Instant.ofEpochMilli(endMillis));
    }
  }

  private String tokensUrl(@Nullable String environmentId) {
    return environmentId == null
        ? userTokensUrl
        : settings.baseUrl + "/environments/" + environmentId + "/tokens";
  }

  private String path(String url) {
    return url.substring(settings.baseUrl.length());
  }

  // ---- one exchange ----

  /** Reads a response once its status is known; the body must be consumed or not subscribed. */
  @FunctionalInterface
  interface ResponseReader<T> {
    Mono<T> read(HttpClientResponse response, ByteBufFlux body, String description);
  }

  /**
   * One attempt's hold on its connection: whether its request was handed over, and which exchange
   * on which connection it is, so a cancel can abandon exactly that exchange ({@link
   * ExchangeGuard}).
   */
  private static final class Attempt implements Consumer<Connection>, Runnable {
    private final long deadlineNanos;
    volatile boolean written;
    private int exchange;
    private volatile @Nullable ExchangeGuard guard;

    Attempt(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    /** On the connection's event loop, before the request is written. */
    @Override
    public void accept(Connection connection) {
      ExchangeGuard g = ExchangeGuard.install(connection.channel(), deadlineNanos);
      exchange = g.nextExchange();
      guard = g;
    }

    /**
     * The caller cancelled: its exchange is abandoned, and its connection closed if still busy. A
     * {@code Runnable} so {@code doOnCancel} takes the attempt itself, not one more object per
     * call.
     */
    @Override
    public void run() {
      ExchangeGuard g = guard;
      if (g != null) {
        g.abandon(exchange);
      }
    }
  }

  private <T> Mono<T> exchange(
      HttpMethod method,
      String url,
      String description,
      byte @Nullable [] body,
      @Nullable CharSequence idempotencyKey,
      ResponseReader<T> reader) {
    // Telemetry.NONE returns the attempt as it is.
    return telemetry.attempt(
        operation(method), authorized(method, url, description, body, idempotencyKey, reader));
  }

  private static String operation(HttpMethod method) {
    return method == HttpMethod.POST ? "create" : method == HttpMethod.GET ? "list" : "delete";
  }

  private <T> Mono<T> authorized(
      HttpMethod method,
      String url,
      String description,
      byte @Nullable [] body,
      @Nullable CharSequence idempotencyKey,
      ResponseReader<T> reader) {
    if (staticAuthorization != null) {
      // The static header is one of the client's fixed headers.
      return attempt(method, url, description, body, idempotencyKey, reader, null);
    }
    Mono<String> provider = settings.apiTokenProvider;
    if (provider == null) {
      return Mono.error(new IllegalStateException("no API token"));
    }
    return provider
        .timeout(settings.responseTimeout)
        .onErrorMap(
            e -> !(e instanceof TokenClientException),
            e ->
                new TokenClientException(
                    description
                        + " failed: the API token provider failed ("
                        + e.getClass().getSimpleName()
                        + ")",
                    null))
        .switchIfEmpty(
            Mono.error(
                () ->
                    new TokenClientException(
                        description + " failed: the API token provider completed empty")))
        .flatMap(
            token -> {
              try {
                ClientSettings.checkApiToken(token);
              } catch (IllegalArgumentException e) {
                return Mono.error(
                    new TokenClientException(
                        description
                            + " failed: the API token provider gave an invalid token: "
                            + e.getMessage()));
              }
              return attempt(
                  method, url, description, body, idempotencyKey, reader, "Bearer " + token);
            });
  }

  private <T> Mono<T> attempt(
      HttpMethod method,
      String url,
      String description,
      byte @Nullable [] body,
      @Nullable CharSequence idempotencyKey,
      ResponseReader<T> reader,
      @Nullable String authorization) {
    return Mono.defer(
        () -> {
          if (closed) {
            return Mono.error(new TokenClientException(description + " failed: client is closed"));
          }
          Attempt attempt = new Attempt(deadlineNanos);
          return http.request(method)
              .uri(url)
              .send(
                  (req, out) -> {
                    attempt.written = true;
                    // Here, not in doOnRequest: that costs an observer per request.
                    out.withConnection(attempt);
                    HttpHeaders h = req.requestHeaders();
                    if (settings.contextHeaders != null) {
                      addContextHeaders(h, req.currentContextView());
                    }
                    if (authorization != null) {
                      h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    }
                    if (idempotencyKey != null) {
                      h.set(IDEMPOTENCY_KEY, idempotencyKey);
                    }
                    if (body == null) {
                      return out;
                    }
                    h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    return out.send(Mono.just(Unpooled.wrappedBuffer(body)));
                  })
              .response((response, in) -> reader.read(response, in, description))
              .singleOrEmpty()
              .doOnCancel(attempt)
              .onErrorMap(
                  e -> !(e instanceof TokenClientException),
                  e -> TransportErrors.map(e, attempt.written, description, settings));
        });
  }

  /** The caller's headers from the Reactor context, except any the client sets itself. */
  private void addContextHeaders(HttpHeaders headers, reactor.util.context.ContextView context) {
    java.util.function.Function<reactor.util.context.ContextView, java.util.Map<String, String>>
        source = settings.contextHeaders;
    java.util.Map<String, String> extra = source == null ? null : source.apply(context);
    if (extra != null) {
      extra.forEach(
          (name, value) -> {
            if (!OWN_HEADERS.contains(AsciiString.of(name).toLowerCase())) {
              headers.set(name, value);
            }
          });
    }
  }

  // ---- readers ----

  private Mono<Token> readCreated(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    if (status < 200 || status > 299) {
      return readError(response, in, what);
    }
    return ResponseBodies.readAll(in, contentLength(response), status)
        .map(
            body ->
                TokenDecoder.created(json.readCreated(body.bytes, body.length, status), status));
  }

  private Mono<List<TokenInfo>> readList(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    if (status < 200 || status > 299) {
      return readError(response, in, what);
    }
    return ResponseBodies.readAll(in, contentLength(response), status)
        .map(body -> TokenDecoder.listed(json.readList(body.bytes, body.length, status), status));
  }

  private Mono<Void> readNothing(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    if (status < 200 || status > 299) {
      return readError(response, in, what);
    }
    return in.then();
  }

  private <T> Mono<T> readError(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    return ResponseBodies.readPrefix(in, contentLength(response))
        .flatMap(
            body ->
                Mono.error(
                    ErrorMapping.map(
                        status, response.responseHeaders(), body, what, json, settings.apiToken)));
  }

  private static long contentLength(HttpClientResponse response) {
    String value = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownedProvider != null) {
      ownedProvider.disposeLater().subscribe();
    }
    if (ownedLoops != null) {
      ownedLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).subscribe();
    }
  }

  @Override
  public String toString() {
    return settings.toString();
  }
}
