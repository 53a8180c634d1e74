package dev.dyntokens.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.RetryPolicy;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;
import reactor.util.context.ContextView;

/**
 * The validated configuration of one client, every option with its default: an immutable value,
 * built once by the facade's builder and read by every part of the engine. The Spring properties
 * take their defaults from {@link #defaults()}.
 */
public final class ClientConfig {
  static final String DEFAULT_BASE_URL = "https://app.dynamicauth.com/api/v0";
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_MAX_CONNECTIONS = 512;
  static final int DEFAULT_MAX_PENDING_ACQUIRES = 1024;

  /** How long a call waits for a pooled connection of the client's own pool. */
  static final Duration PENDING_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

  final String baseUrl;

  /**
   * Where calls connect, handed to Reactor Netty as it is so the URL is never parsed a second time:
   * resolved without DNS for a literal address or a loopback name, unresolved (for Netty's
   * resolver) for any other host.
   */
  final InetSocketAddress remoteAddress;

  /** Whether calls use TLS: the base URL is https. */
  final boolean secure;

  /**
   * The base URL's path without a trailing slash, {@code /api/v0}; requests go to paths below it.
   */
  final String basePath;

  final @Nullable String apiToken;
  final @Nullable Mono<String> apiTokenProvider;
  final RetryPolicy retryPolicy;
  final Duration connectTimeout;
  final boolean connectTimeoutSet;
  final Duration responseTimeout;
  final @Nullable HttpClient httpClient;

  /** Event loops of the caller's that the client's own pool runs on; never disposed. */
  final @Nullable LoopResources loopResources;

  /** TLS for an https base URL; null for the JDK's trust store and Netty's defaults. */
  final @Nullable SslContext sslContext;

  final int maxConnections;
  final int maxPendingAcquires;
  final ObjectMapper objectMapper;
  final boolean wiretap;

  /** How long the client's own pool keeps an idle connection; see Transport.MAX_IDLE_TIME. */
  final Duration maxIdleTime;

  /** How often the client's own pool evicts in the background; see Transport. */
  final Duration evictionInterval;

  /** HTTP/2 by ALPN where the server offers it; needs https. */
  final boolean http2;

  final ClientTelemetry telemetry;
  final @Nullable Function<ContextView, Map<String, String>> contextHeaders;

  private ClientConfig(Builder b, String baseUrl) {
    this.baseUrl = baseUrl;
    URI uri = URI.create(baseUrl);
    this.remoteAddress = BaseUrl.remoteAddress(uri);
    this.secure = "https".equalsIgnoreCase(uri.getScheme());
    this.basePath = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.apiToken = b.apiToken;
    this.apiTokenProvider = b.apiTokenProvider;
    this.retryPolicy = b.retryPolicy;
    this.connectTimeout = b.connectTimeout;
    this.connectTimeoutSet = b.connectTimeoutSet;
    this.responseTimeout = b.responseTimeout;
    this.httpClient = b.httpClient;
    this.loopResources = b.loopResources;
    this.sslContext = b.sslContext;
    this.maxConnections = b.maxConnections;
    this.maxPendingAcquires = b.maxPendingAcquires;
    this.objectMapper = b.objectMapper;
    this.wiretap = b.wiretap;
    this.maxIdleTime = b.maxIdleTime;
    this.evictionInterval = b.evictionInterval;
    this.http2 = b.http2;
    this.telemetry = b.telemetry;
    this.contextHeaders = b.contextHeaders;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads the defaults (an API token is not needed for that). */
  public static Defaults defaults() {
    return Defaults.INSTANCE;
  }

  /** The default of each option, for configuration layers (Spring properties) built on it. */
  public static final class Defaults {
    static final Defaults INSTANCE = new Defaults();

    private Defaults() {}

    public String baseUrl() {
      return DEFAULT_BASE_URL;
    }

    public Duration connectTimeout() {
      return DEFAULT_CONNECT_TIMEOUT;
    }

    public Duration responseTimeout() {
      return DEFAULT_RESPONSE_TIMEOUT;
    }

    public int maxConnections() {
      return DEFAULT_MAX_CONNECTIONS;
    }

    public int maxPendingAcquires() {
      return DEFAULT_MAX_PENDING_ACQUIRES;
    }

    public RetryPolicy retryPolicy() {
      return RetryPolicy.defaults();
    }

    public boolean http2() {
      return false;
    }
  }

  /** Collects settings; each setter checks its argument. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private @Nullable String apiToken;
    private @Nullable Mono<String> apiTokenProvider;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private boolean connectTimeoutSet;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private @Nullable HttpClient httpClient;
    private @Nullable LoopResources loopResources;
    private @Nullable SslContext sslContext;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxPendingAcquires = DEFAULT_MAX_PENDING_ACQUIRES;
    private ObjectMapper objectMapper = new ObjectMapper();
    private boolean wiretap;
    private Duration maxIdleTime = Transport.MAX_IDLE_TIME;
    private Duration evictionInterval = Transport.EVICTION_INTERVAL;
    private boolean http2;
    private ClientTelemetry telemetry = ClientTelemetry.NONE;
    private @Nullable Function<ContextView, Map<String, String>> contextHeaders;

    private Builder() {}

    public Builder telemetry(ClientTelemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry == null");
      return this;
    }

    public Builder contextHeaders(Function<ContextView, Map<String, String>> contextHeaders) {
      this.contextHeaders = requireNonNull(contextHeaders, "contextHeaders == null");
      return this;
    }

    public Builder baseUrl(String baseUrl) {
      BaseUrl.normalize(baseUrl); // fail now, not at build()
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder apiToken(String apiToken) {
      this.apiToken = Checks.apiToken(apiToken);
      this.apiTokenProvider = null;
      return this;
    }

    public Builder apiTokenProvider(Mono<String> provider) {
      this.apiTokenProvider = requireNonNull(provider, "apiTokenProvider == null");
      this.apiToken = null;
      return this;
    }

    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy == null");
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Checks.timeout(connectTimeout, "connectTimeout");
      this.connectTimeoutSet = true;
      return this;
    }

    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = Checks.timeout(responseTimeout, "responseTimeout");
      return this;
    }

    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = requireNonNull(httpClient, "httpClient == null");
      return this;
    }

    public Builder loopResources(LoopResources loopResources) {
      this.loopResources = requireNonNull(loopResources, "loopResources == null");
      return this;
    }

    public Builder sslContext(SslContext sslContext) {
      requireNonNull(sslContext, "sslContext == null");
      if (!sslContext.isClient()) {
        throw new IllegalArgumentException(
            "sslContext must be a client context (SslContextBuilder.forClient())");
      }
      this.sslContext = sslContext;
      return this;
    }

    /** A test seam: the pool's idle time, so a test sees eviction without waiting 20 s. */
    Builder maxIdleTime(Duration maxIdleTime) {
      this.maxIdleTime = Checks.timeout(maxIdleTime, "maxIdleTime");
      return this;
    }

    /** A test seam: how often the pool evicts in the background. */
    Builder evictionInterval(Duration evictionInterval) {
      this.evictionInterval = Checks.timeout(evictionInterval, "evictionInterval");
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1 || maxConnections > 10_000) {
        throw new IllegalArgumentException(
            "maxConnections must be 1 to 10000 but was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder maxPendingAcquires(int maxPendingAcquires) {
      if (maxPendingAcquires < 0 || maxPendingAcquires > 100_000) {
        throw new IllegalArgumentException(
            "maxPendingAcquires must be 0 to 100000 but was " + maxPendingAcquires);
      }
      this.maxPendingAcquires = maxPendingAcquires;
      return this;
    }

    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = requireNonNull(objectMapper, "objectMapper == null");
      return this;
    }

    public Builder wiretap(boolean wiretap) {
      this.wiretap = wiretap;
      return this;
    }

    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    public ClientConfig build() {
      if (apiToken == null && apiTokenProvider == null) {
        throw new IllegalStateException("apiToken or apiTokenProvider is required");
      }
      ClientConfig config = new ClientConfig(this, BaseUrl.normalize(baseUrl));
      if (config.http2 && !config.secure) {
        throw new IllegalStateException(
            "http2 needs an https base URL: HTTP/2 is agreed with the server by TLS (ALPN); plain"
                + " http stays HTTP/1.1");
      }
      return config;
    }
  }

  @Override
  public String toString() {
    return "baseUrl="
        + baseUrl
        + ", apiToken="
        + (apiToken != null ? "<redacted>" : "<provider>")
        + ", connectTimeout="
        + connectTimeout
        + ", responseTimeout="
        + responseTimeout
        + ", httpClient="
        + (httpClient != null
            ? "caller's"
            : "own, "
                + maxConnections
                + " connections"
                + (loopResources != null ? ", caller's event loops" : ""))
        + (sslContext != null ? ", sslContext=caller's" : "")
        + ", retryPolicy="
        + retryPolicy
        + (http2 ? ", http2" : "");
  }
}
