package dev.dyntokens.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

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

  private final DisposableServer server;
  private final LoopResources loops;
  private final String baseUrl;
  private final String apiToken;
  private final FakeToken apiTokenInfo;
  private final @Nullable FakeToken readOnlyApiTokenInfo;
  private final TokenStore store;
  private final Counters counters;
  private final RequestHandler handler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Mono<Void> shutdown;

  private FakeDynamicApi(
      DisposableServer server,
      LoopResources loops,
      RequestHandler.Settings settings,
      TokenStore store,
      Counters counters,
      RequestHandler handler) {
    this.server = server;
    this.loops = loops;
    this.baseUrl = "http://127.0.0.1:" + server.port() + settings.basePath();
    this.apiToken = settings.apiToken();
    this.apiTokenInfo = settings.apiTokenInfo();
    this.readOnlyApiTokenInfo = settings.readOnlyApiTokenInfo();
    this.store = store;
    this.counters = counters;
    this.handler = handler;
    this.shutdown = Mono.defer(this::shutdown).cache();
  }

  private Mono<Void> shutdown() {
    closed.set(true);
    server.dispose();
    return server.onDispose().then(loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The base URL, for example {@code http://127.0.0.1:41234/api/v0}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The port the server is bound to. */
  public int port() {
    return server.port();
  }

  /** The valid API token (full scopes). */
  public String apiToken() {
    return apiToken;
  }

  /**
   * What {@code GET /tokens/me} answers for {@link #apiToken()}: a fixed id, its last 6 characters
   * as checksum, the time the server started, and {@linkplain Builder#apiTokenScopes its scopes}.
   */
  public FakeToken apiTokenInfo() {
    return apiTokenInfo;
  }

  /** What {@code GET /tokens/me} answers for the read-only token; null if there is none. */
  public @Nullable FakeToken readOnlyApiTokenInfo() {
    return readOnlyApiTokenInfo;
  }

  /** A snapshot of the counters. */
  public FakeApiStats stats() {
    return counters.snapshot(store);
  }

  /**
   * Replaces the {@linkplain Builder#faults fault plan} from the next request on; its scripts and
   * its random (from its seed) start over. Requests already being served keep the fault they drew.
   * Lets one server play different faults in different tests.
   */
  public void replaceFaults(FaultPlan faults) {
    handler.faults(requireNonNull(faults, "faults == null"));
  }

  /** The fault plan in force now. */
  public FaultPlan faults() {
    return handler.faults();
  }

  /** The per-client rate limiters held now, for tests of their bounds. */
  int clientLimiters() {
    return handler.clientLimiters();
  }

  /** The per-environment rate limiters held now, for tests of their bounds. */
  int environmentLimiters() {
    return handler.environmentLimiters();
  }

  /** The live tokens of the user and every environment, oldest first. */
  public List<FakeToken> tokens() {
    return store.all();
  }

  /** Stops the server and releases its event loops; does not wait. Idempotent. */
  @Override
  public void close() {
    shutdown.subscribe();
  }

  /**
   * Closes as {@link #close()} does when subscribed to, and completes once the port is free and the
   * event loops have stopped. Idempotent.
   */
  public Mono<Void> closeLater() {
    return shutdown;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
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

    private int port;
    private String basePath = DEFAULT_BASE_PATH;
    private String apiToken = DEFAULT_API_TOKEN;
    private @Nullable String readOnlyApiToken;
    private @Nullable List<String> apiTokenScopes;
    private @Nullable List<String> readOnlyApiTokenScopes;
    private String apiTokenEnvironmentId = DEFAULT_ENVIRONMENT_ID;
    private Set<String> knownScopes = Validator.DOCUMENTED_SCOPES;
    private Clock clock = Clock.systemUTC();
    private int maxLiveTokens = Integer.MAX_VALUE;
    private int perClientPerMinute;
    private int perEnvironmentPerMinute;
    private int perSecond;
    private boolean validation = true;
    private boolean storeTokens = true;
    private int deleteStatus = 204;
    private FaultPlan faults = FaultPlan.none();
    private int eventLoopThreads = 1;
    private boolean daemon = true;
    private int maxRequestBodyBytes = DEFAULT_MAX_REQUEST_BODY_BYTES;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private boolean trustForwardedFor;

    private Builder() {}

    /** The loopback port, 0 (the default) for an ephemeral one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535 but was " + port);
      }
      this.port = port;
      return this;
    }

    /** The path the endpoints live under, {@code /api/v0} by default; "" or "/" for the root. */
    public Builder basePath(String basePath) {
      requireNonNull(basePath, "basePath == null");
      String trimmed =
          basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
      if (!trimmed.isEmpty() && !trimmed.startsWith("/")) {
        throw new IllegalArgumentException("basePath must start with / but was " + basePath);
      }
      this.basePath = trimmed;
      return this;
    }

    /** The valid bearer token. Default {@link #DEFAULT_API_TOKEN}. */
    public Builder apiToken(String apiToken) {
      this.apiToken = token(apiToken, "apiToken");
      return this;
    }

    /** A second valid token that may list but not create or delete (403). Default none. */
    public Builder readOnlyApiToken(String readOnlyApiToken) {
      this.readOnlyApiToken = token(readOnlyApiToken, "readOnlyApiToken");
      return this;
    }

    /**
     * The scopes {@code /tokens/me} reports for the API token. Default every {@linkplain
     * #knownScopes known scope}.
     */
    public Builder apiTokenScopes(Collection<String> scopes) {
      this.apiTokenScopes = List.copyOf(scopes(scopes, "apiTokenScopes"));
      return this;
    }

    /**
     * The scopes {@code /tokens/me} reports for the {@linkplain #readOnlyApiToken read-only token}.
     * Default the {@linkplain #knownScopes known scopes} ending in {@code .read}. They do not widen
     * what that token may do: it may still only list and introspect.
     */
    public Builder readOnlyApiTokenScopes(Collection<String> scopes) {
      this.readOnlyApiTokenScopes = List.copyOf(scopes(scopes, "readOnlyApiTokenScopes"));
      return this;
    }

    /**
     * The environment {@code /tokens/me} reports the fake's API tokens belong to. Default {@link
     * #DEFAULT_ENVIRONMENT_ID}.
     */
    public Builder apiTokenEnvironmentId(String environmentId) {
      requireNonNull(environmentId, "environmentId == null");
      if (environmentId.isBlank()) {
        throw new IllegalArgumentException("environmentId must not be blank");
      }
      this.apiTokenEnvironmentId = environmentId;
      return this;
    }

    /**
     * The scope wire values a create may ask for; any other is 422 {@code invalid_scopes}. Default
     * every scope of {@link dev.dyntokens.TokenScope#knownScopes()}; a smaller set plays a server
     * that does not have a scope yet. Not checked in {@linkplain #validation fast mode}.
     */
    public Builder knownScopes(Set<String> knownScopes) {
      this.knownScopes =
          Collections.unmodifiableSet(new LinkedHashSet<>(scopes(knownScopes, "knownScopes")));
      return this;
    }

    /** The clock for {@code createdAt} and the rate-limit windows. Default the system's, UTC. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /** Live tokens allowed per user or environment; beyond, 422. Default unlimited. */
    public Builder maxLiveTokens(int maxLiveTokens) {
      this.maxLiveTokens = positive(maxLiveTokens, "maxLiveTokens");
      return this;
    }

    /**
     * Requests per minute (fixed windows of the clock) per client IP, or per first {@code
     * X-Forwarded-For} address when {@linkplain #trustForwardedFor trusted}; beyond, 429. 0 (the
     * default) is off. A client's limiter is dropped once its window ends; within one window at
     * most 10,000 clients get a limiter of their own, the rest share one.
     */
    public Builder rateLimitPerMinutePerClient(int limit) {
      this.perClientPerMinute = notNegative(limit, "limit");
      return this;
    }

    /**
     * Requests per minute per environment, on environment endpoints. 0 (the default) is off. The
     * limiters are bounded as {@link #rateLimitPerMinutePerClient}'s are.
     */
    public Builder rateLimitPerMinutePerEnvironment(int limit) {
      this.perEnvironmentPerMinute = notNegative(limit, "limit");
      return this;
    }

    /** Requests per second (fixed windows) for the whole server. 0 (the default) is off. */
    public Builder rateLimitPerSecond(int limit) {
      this.perSecond = notNegative(limit, "limit");
      return this;
    }

    /**
     * False for fast mode: no auth and no validation; every create succeeds (limits of {@link
     * #maxLiveTokens} aside) and every delete answers 2xx. Rate limits and faults still apply.
     * Default true.
     */
    public Builder validation(boolean validation) {
      this.validation = validation;
      return this;
    }

    /**
     * False to keep no tokens (lists stay empty, memory flat) for long benchmarks; counters still
     * count. Default true.
     */
    public Builder storeTokens(boolean storeTokens) {
      this.storeTokens = storeTokens;
      return this;
    }

    /** The status of a successful delete, 204 (the default) or 200; the body is empty. */
    public Builder deleteStatus(int deleteStatus) {
      if (deleteStatus != 200 && deleteStatus != 204) {
        throw new IllegalArgumentException("deleteStatus must be 200 or 204");
      }
      this.deleteStatus = deleteStatus;
      return this;
    }

    /** The faults to inject. Default {@link FaultPlan#none()}. */
    public Builder faults(FaultPlan faults) {
      this.faults = requireNonNull(faults, "faults == null");
      return this;
    }

    /** Event-loop threads of the server's own, 1 (the default) to 64. */
    public Builder eventLoopThreads(int eventLoopThreads) {
      if (eventLoopThreads < 1 || eventLoopThreads > 64) {
        throw new IllegalArgumentException("eventLoopThreads must be 1 to 64");
      }
      this.eventLoopThreads = eventLoopThreads;
      return this;
    }

    /**
     * Whether the event loops are daemon threads (default true); false keeps the JVM alive, as a
     * command-line server needs.
     */
    public Builder daemon(boolean daemon) {
      this.daemon = daemon;
      return this;
    }

    /**
     * Whether the per-client rate limit tells clients apart by the first address of their {@code
     * X-Forwarded-For} header (as behind a proxy) instead of their IP address. Default false: any
     * client can send any header, so trusting it lets one client pose as many.
     */
    public Builder trustForwardedFor(boolean trustForwardedFor) {
      this.trustForwardedFor = trustForwardedFor;
      return this;
    }

    /**
     * The largest request body read, in bytes; default {@link #DEFAULT_MAX_REQUEST_BODY_BYTES} (64
     * KiB). A request that declares a larger {@code Content-Length}, or whose body (chunked) grows
     * past it, is answered 413 {@code payload_too_large} before authentication, without reading or
     * buffering the rest, and its connection is closed.
     */
    public Builder maxRequestBodyBytes(int maxRequestBodyBytes) {
      this.maxRequestBodyBytes = positive(maxRequestBodyBytes, "maxRequestBodyBytes");
      return this;
    }

    /**
     * How long a connection may wait for its next request before it is closed (Reactor Netty's
     * {@code HttpServer.idleTimeout}); {@link Duration#ZERO} for forever. Default {@link
     * #DEFAULT_IDLE_TIMEOUT} (60 s).
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = timeout(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * The longest pause between two reads of a request's body before the connection is closed
     * (Reactor Netty's {@code HttpServer.readTimeout}); {@link Duration#ZERO} for none. Default
     * {@link #DEFAULT_READ_TIMEOUT} (10 s).
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = timeout(readTimeout, "readTimeout");
      return this;
    }

    /**
     * The longest time for reading a request's whole body before the connection is closed (Reactor
     * Netty's {@code HttpServer.requestTimeout}); {@link Duration#ZERO} for none. Default {@link
     * #DEFAULT_REQUEST_TIMEOUT} (30 s). Answers the fake delays on purpose ({@link
     * FaultKind#DELAY}) are not cut by it.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = timeout(requestTimeout, "requestTimeout");
      return this;
    }

    /** Binds and starts the server; waits only for the bind, milliseconds on loopback. */
    public FakeDynamicApi start() {
      RequestHandler.Settings settings = settings();
      LoopResources loops = loops();
      TokenStore store = new TokenStore(clock, maxLiveTokens, storeTokens);
      Counters counters = new Counters();
      RequestHandler handler = new RequestHandler(settings, store, counters);
      try {
        DisposableServer server = server(loops, handler).bindNow();
        return new FakeDynamicApi(server, loops, settings, store, counters, handler);
      } catch (RuntimeException e) {
        loops.dispose();
        throw e;
      }
    }

    /** Binds and starts the server when subscribed to, without blocking. */
    public Mono<FakeDynamicApi> startLater() {
      return Mono.defer(
          () -> {
            RequestHandler.Settings settings = settings();
            LoopResources loops = loops();
            TokenStore store = new TokenStore(clock, maxLiveTokens, storeTokens);
            Counters counters = new Counters();
            RequestHandler handler = new RequestHandler(settings, store, counters);
            return server(loops, handler)
                .bind()
                .map(s -> new FakeDynamicApi(s, loops, settings, store, counters, handler))
                .doOnError(e -> loops.dispose());
          });
    }

    private LoopResources loops() {
      return LoopResources.create("fake-dynamic-api", 1, eventLoopThreads, daemon, false);
    }

    /** The settings, with the API tokens' identities created now, by the configured clock. */
    private RequestHandler.Settings settings() {
      Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      FakeToken main =
          identity(
              API_TOKEN_ID,
              apiToken,
              "Fake API token",
              apiTokenScopes != null ? apiTokenScopes : List.copyOf(knownScopes),
              createdAt);
      String readOnly = readOnlyApiToken;
      FakeToken readOnlyInfo =
          readOnly == null
              ? null
              : identity(
                  READ_ONLY_API_TOKEN_ID,
                  readOnly,
                  "Fake read-only API token",
                  readOnlyApiTokenScopes != null ? readOnlyApiTokenScopes : readScopes(knownScopes),
                  createdAt);
      return new RequestHandler.Settings(
          basePath,
          apiToken,
          readOnlyApiToken,
          main,
          readOnlyInfo,
          knownScopes,
          clock,
          perClientPerMinute,
          perEnvironmentPerMinute,
          perSecond,
          validation,
          deleteStatus,
          faults,
          maxRequestBodyBytes,
          trustForwardedFor);
    }

    private FakeToken identity(
        String id, String token, String note, List<String> scopes, Instant createdAt) {
      return new FakeToken(id, note, scopes, apiTokenEnvironmentId, createdAt, checksum(token));
    }

    /**
     * The last 6 characters, as the API's checksums are; a token of 6 or fewer gets zeros instead,
     * so the answer never spells out the whole secret.
     */
    private static String checksum(String token) {
      return token.length() > 6 ? token.substring(token.length() - 6) : "000000";
    }

    private static List<String> readScopes(Set<String> scopes) {
      List<String> read = new ArrayList<>();
      for (String scope : scopes) {
        if (scope.endsWith(".read")) {
          read.add(scope);
        }
      }
      return List.copyOf(read);
    }

    private HttpServer server(LoopResources loops, RequestHandler handler) {
      HttpServer server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops);
      if (!idleTimeout.isZero()) {
        server = server.idleTimeout(idleTimeout);
      }
      if (!readTimeout.isZero()) {
        server = server.readTimeout(readTimeout);
      }
      if (!requestTimeout.isZero()) {
        server = server.requestTimeout(requestTimeout);
      }
      return server.handle(handler::handle);
    }

    private static Duration timeout(Duration timeout, String name) {
      requireNonNull(timeout, name + " == null");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was " + timeout);
      }
      return timeout;
    }

    private static Collection<String> scopes(Collection<String> scopes, String name) {
      requireNonNull(scopes, name + " == null");
      for (String scope : scopes) {
        requireNonNull(scope, name + " contains null");
        if (scope.isBlank()) {
          throw new IllegalArgumentException(name + " contains a blank scope");
        }
      }
      return scopes;
    }

    private static String token(String token, String name) {
      requireNonNull(token, name + " == null");
      if (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException(name + " must be visible ASCII without spaces");
      }
      return token;
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      return value;
    }

    private static int notNegative(int value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must not be negative but was " + value);
      }
      return value;
    }
  }
}
