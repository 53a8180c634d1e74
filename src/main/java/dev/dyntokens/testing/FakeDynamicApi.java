package dev.dyntokens.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A real, fast, stateful fake of the Dynamic API's seven token endpoints, on a Reactor Netty server
 * bound to a loopback port, for tests, load tests and benchmarks.
 *
 * <pre>{@code
 * try (FakeDynamicApi api = FakeDynamicApi.builder().start()) {
 *   ReactiveTokenClient client = ReactiveTokenClient.builder()
 *       .baseUrl(api.baseUrl()).apiToken(api.apiToken()).build();
 *   ...
 *   assertThat(api.stats().tokensLive()).isZero();
 * }
 * }</pre>
 *
 * <p>It answers as the API does: created tokens appear in lists (without {@code rawToken} and
 * {@code active}) until deleted; {@code GET /tokens/me} describes the token the request is made
 * with ({@link #apiTokenInfo()}, {@link #readOnlyApiTokenInfo()}), without its secret; a missing or
 * wrong bearer token is 401, the {@linkplain Builder#readOnlyApiToken read-only token} gets 403 on
 * create and delete, a missing, blank or too long note and malformed JSON are 400, a scope outside
 * {@linkplain Builder#knownScopes the known ones} is 422 {@code invalid_scopes}, more than
 * {@linkplain Builder#maxLiveTokens the maximum} of live tokens (per user or environment) is 422
 * {@code too_many_api_tokens}, deleting an unknown id is 404 {@code token_not_found}, and an
 * exceeded rate limit is 429 with {@code Retry-After}. Unknown JSON fields are ignored. A {@link
 * FaultPlan} injects network and server faults.
 *
 * <p>It writes and reads JSON on its own, independent of the client's model classes. Requests are
 * served without a global lock, on event loops of its own that {@link #close()} releases.
 */
public final class FakeDynamicApi implements AutoCloseable {
  /** The default valid API token. */
  public static final String DEFAULT_API_TOKEN = "dyn_fake_api_token_for_tests_0000000000";

  /** The default base path. */
  public static final String DEFAULT_BASE_PATH = "/api/v0";

  /** The default environment the fake's own API tokens belong to, as {@code /tokens/me} says. */
  public static final String DEFAULT_ENVIRONMENT_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f70819";

  /** The fake's own API token's id, the same whatever the token. */
  static final String API_TOKEN_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

  /** The read-only API token's id. */
  static final String READ_ONLY_API_TOKEN_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  private final FakeServer server;
  private final String baseUrl;

  private FakeDynamicApi(FakeServer server) {
    this.server = server;
    this.baseUrl =
        (server.tls == null ? "http" : "https")
            + "://127.0.0.1:"
            + server.server.port()
            + server.settings.basePath();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The base URL, for example {@code http://127.0.0.1:41234/api/v0}, or {@code https://...} over
   * {@linkplain Builder#tls TLS}.
   */
  public String baseUrl() {
    return baseUrl;
  }

  /** The key and certificate it serves HTTPS with; null when it serves plain HTTP. */
  public @Nullable FakeTls tls() {
    return server.tls;
  }

  /** The port the server is bound to. */
  public int port() {
    return server.server.port();
  }

  /** The valid API token (full scopes). */
  public String apiToken() {
    return server.settings.apiToken();
  }

  /**
   * What {@code GET /tokens/me} answers for {@link #apiToken()}: a fixed id, its last 6 characters
   * as checksum, the time the server started, and {@linkplain Builder#apiTokenScopes its scopes}.
   */
  public FakeToken apiTokenInfo() {
    return server.settings.apiTokenInfo();
  }

  /** What {@code GET /tokens/me} answers for the read-only token; null if there is none. */
  public @Nullable FakeToken readOnlyApiTokenInfo() {
    return server.settings.readOnlyApiTokenInfo();
  }

  /** A snapshot of the counters. */
  public FakeApiStats stats() {
    return server.counters.snapshot(server.store);
  }

  /**
   * Replaces the {@linkplain Builder#faults fault plan} from the next request on; its scripts and
   * its random (from its seed) start over. Requests already being served keep the fault they drew.
   * Lets one server play different faults in different tests.
   */
  public void replaceFaults(FaultPlan faults) {
    server.handler.faults(requireNonNull(faults, "faults == null"));
  }

  /** The fault plan in force now. */
  public FaultPlan faults() {
    return server.handler.faults();
  }

  /** The per-client rate limiters held now, for tests of their bounds. */
  int clientLimiters() {
    return server.handler.clientLimiters();
  }

  /** The per-environment rate limiters held now, for tests of their bounds. */
  int environmentLimiters() {
    return server.handler.environmentLimiters();
  }

  /** The live tokens of the user and every environment, oldest first. */
  public List<FakeToken> tokens() {
    return server.store.all();
  }

  /** Stops the server and releases its event loops; does not wait. Idempotent. */
  @Override
  public void close() {
    server.closeLater().subscribe();
  }

  /**
   * Closes as {@link #close()} does when subscribed to, and completes once the port is free and the
   * event loops have stopped. Idempotent.
   */
  public Mono<Void> closeLater() {
    return server.closeLater();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return server.isClosed();
  }

  @Override
  public String toString() {
    return "FakeDynamicApi[" + baseUrl + "]";
  }

  /**
   * Configures a {@link FakeDynamicApi}. Every setter checks its argument at once.
   *
   * <p>The server treats its clients as possibly hostile: a request body is read only up to
   * {@linkplain #maxRequestBodyBytes a limit} (before authentication too), connections that idle or
   * send slowly are closed ({@linkplain #idleTimeout idle}, {@linkplain #readTimeout read} and
   * {@linkplain #requestTimeout request} timeouts), and per-client rate-limit state is bounded.
   */
  public static final class Builder {
    /** The default {@link #maxRequestBodyBytes}: 64 KiB. */
    public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 64 * 1024;

    /** The default {@link #idleTimeout}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** The default {@link #readTimeout}. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** The default {@link #requestTimeout}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final FakeConfig config = new FakeConfig();

    private Builder() {}

    /** The loopback port, 0 (the default) for an ephemeral one. */
    public Builder port(int port) {
      config.port = FakeConfig.range(port, 0, 65535, "port");
      return this;
    }

    /** The path the endpoints live under, {@code /api/v0} by default; "" or "/" for the root. */
    public Builder basePath(String basePath) {
      config.basePath = FakeConfig.basePath(basePath);
      return this;
    }

    /** The valid bearer token. Default {@link #DEFAULT_API_TOKEN}. */
    public Builder apiToken(String apiToken) {
      config.apiToken = FakeConfig.token(apiToken, "apiToken");
      return this;
    }

    /** A second valid token that may list but not create or delete (403). Default none. */
    public Builder readOnlyApiToken(String readOnlyApiToken) {
      config.readOnlyApiToken = FakeConfig.token(readOnlyApiToken, "readOnlyApiToken");
      return this;
    }

    /**
     * The scopes {@code /tokens/me} reports for the API token. Default every {@linkplain
     * #knownScopes known scope}.
     */
    public Builder apiTokenScopes(Collection<String> scopes) {
      config.apiTokenScopes = List.copyOf(FakeConfig.scopes(scopes, "apiTokenScopes"));
      return this;
    }

    /**
     * The scopes {@code /tokens/me} reports for the {@linkplain #readOnlyApiToken read-only token}.
     * Default the {@linkplain #knownScopes known scopes} ending in {@code .read}. They do not widen
     * what that token may do: it may still only list and introspect.
     */
    public Builder readOnlyApiTokenScopes(Collection<String> scopes) {
      config.readOnlyApiTokenScopes =
          List.copyOf(FakeConfig.scopes(scopes, "readOnlyApiTokenScopes"));
      return this;
    }

    /**
     * The environment {@code /tokens/me} reports the fake's API tokens belong to. Default {@link
     * #DEFAULT_ENVIRONMENT_ID}.
     */
    public Builder apiTokenEnvironmentId(String environmentId) {
      config.apiTokenEnvironmentId = FakeConfig.notBlank(environmentId, "environmentId");
      return this;
    }

    /**
     * The scope wire values a create may ask for; any other is 422 {@code invalid_scopes}. Default
     * every scope of {@link dev.dyntokens.TokenScope#knownScopes()}; a smaller set plays a server
     * that does not have a scope yet. Not checked in {@linkplain #validation fast mode}.
     */
    public Builder knownScopes(Set<String> knownScopes) {
      config.knownScopes = FakeConfig.orderedScopes(knownScopes);
      return this;
    }

    /** The clock for {@code createdAt} and the rate-limit windows. Default the system's, UTC. */
    public Builder clock(Clock clock) {
      config.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /** Live tokens allowed per user or environment; beyond, 422. Default unlimited. */
    public Builder maxLiveTokens(int maxLiveTokens) {
      config.maxLiveTokens = FakeConfig.positive(maxLiveTokens, "maxLiveTokens");
      return this;
    }

    /**
     * Requests per minute (fixed windows of the clock) per client IP, or per first {@code
     * X-Forwarded-For} address when {@linkplain #trustForwardedFor trusted}; beyond, 429. 0 (the
     * default) is off. A client's limiter is dropped once its window ends; within one window at
     * most 10,000 clients get a limiter of their own, the rest share one.
     */
    public Builder rateLimitPerMinutePerClient(int limit) {
      config.perClientPerMinute = FakeConfig.notNegative(limit, "limit");
      return this;
    }

    /**
     * Requests per minute per environment, on environment endpoints. 0 (the default) is off. The
     * limiters are bounded as {@link #rateLimitPerMinutePerClient}'s are.
     */
    public Builder rateLimitPerMinutePerEnvironment(int limit) {
      config.perEnvironmentPerMinute = FakeConfig.notNegative(limit, "limit");
      return this;
    }

    /** Requests per second (fixed windows) for the whole server. 0 (the default) is off. */
    public Builder rateLimitPerSecond(int limit) {
      config.perSecond = FakeConfig.notNegative(limit, "limit");
      return this;
    }

    /**
     * False for fast mode: no auth and no validation; every create succeeds (limits of {@link
     * #maxLiveTokens} aside) and every delete answers 2xx. Rate limits and faults still apply.
     * Default true.
     */
    public Builder validation(boolean validation) {
      config.validation = validation;
      return this;
    }

    /**
     * False to keep no tokens (lists stay empty, memory flat) for long benchmarks; counters still
     * count. Default true.
     */
    public Builder storeTokens(boolean storeTokens) {
      config.storeTokens = storeTokens;
      return this;
    }

    /** The status of a successful delete, 204 (the default) or 200; the body is empty. */
    public Builder deleteStatus(int deleteStatus) {
      config.deleteStatus = FakeConfig.deleteStatus(deleteStatus);
      return this;
    }

    /** The faults to inject. Default {@link FaultPlan#none()}. */
    public Builder faults(FaultPlan faults) {
      config.faults = requireNonNull(faults, "faults == null");
      return this;
    }

    /** Event-loop threads of the server's own, 1 (the default) to 64. */
    public Builder eventLoopThreads(int eventLoopThreads) {
      config.eventLoopThreads = FakeConfig.range(eventLoopThreads, 1, 64, "eventLoopThreads");
      return this;
    }

    /**
     * Whether the event loops are daemon threads (default true); false keeps the JVM alive, as a
     * command-line server needs.
     */
    public Builder daemon(boolean daemon) {
      config.daemon = daemon;
      return this;
    }

    /**
     * Whether the per-client rate limit tells clients apart by the first address of their {@code
     * X-Forwarded-For} header (as behind a proxy) instead of their IP address. Default false: any
     * client can send any header, so trusting it lets one client pose as many.
     */
    public Builder trustForwardedFor(boolean trustForwardedFor) {
      config.trustForwardedFor = trustForwardedFor;
      return this;
    }

    /**
     * The largest request body read, in bytes; default {@link #DEFAULT_MAX_REQUEST_BODY_BYTES} (64
     * KiB). A request that declares a larger {@code Content-Length}, or whose body (chunked) grows
     * past it, is answered 413 {@code payload_too_large} before authentication, without reading or
     * buffering the rest, and its connection is closed.
     */
    public Builder maxRequestBodyBytes(int maxRequestBodyBytes) {
      config.maxRequestBodyBytes = FakeConfig.positive(maxRequestBodyBytes, "maxRequestBodyBytes");
      return this;
    }

    /**
     * How long a connection may wait for its next request before it is closed (Reactor Netty's
     * {@code HttpServer.idleTimeout}); {@link Duration#ZERO} for forever. Default {@link
     * #DEFAULT_IDLE_TIMEOUT} (60 s).
     */
    public Builder idleTimeout(Duration idleTimeout) {
      config.idleTimeout = FakeConfig.timeout(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * The longest pause between two reads of a request's body before the connection is closed
     * (Reactor Netty's {@code HttpServer.readTimeout}); {@link Duration#ZERO} for none. Default
     * {@link #DEFAULT_READ_TIMEOUT} (10 s).
     */
    public Builder readTimeout(Duration readTimeout) {
      config.readTimeout = FakeConfig.timeout(readTimeout, "readTimeout");
      return this;
    }

    /**
     * The longest time for reading a request's whole body before the connection is closed (Reactor
     * Netty's {@code HttpServer.requestTimeout}); {@link Duration#ZERO} for none. Default {@link
     * #DEFAULT_REQUEST_TIMEOUT} (30 s). Answers the fake delays on purpose ({@link
     * FaultKind#DELAY}) are not cut by it.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      config.requestTimeout = FakeConfig.timeout(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Serves HTTPS with this key and certificate (usually {@link FakeTls#selfSigned()}), offering
     * HTTP/2 and HTTP/1.1 by ALPN. Default plain HTTP/1.1.
     */
    public Builder tls(FakeTls tls) {
      config.tls = requireNonNull(tls, "tls == null");
      return this;
    }

    /** Binds and starts the server; waits only for the bind, milliseconds on loopback. */
    public FakeDynamicApi start() {
      return new FakeDynamicApi(FakeServer.start(config));
    }

    /** Binds and starts the server when subscribed to, without blocking. */
    public Mono<FakeDynamicApi> startLater() {
      return FakeServer.startLater(config).map(FakeDynamicApi::new);
    }
  }
}
