package dev.dyntokens.internal;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The Reactor Netty client calls go through: the caller's, or one with a pool and event loops of
 * the client's own, with the headers every request carries and the optional wire logger. Disposes
 * only what it created.
 */
final class Transport {
  /** Below common load-balancer idle timeouts (AWS ALB 60 s, nginx 75 s, GCP 600 s). */
  static final Duration MAX_IDLE_TIME = Duration.ofSeconds(20);

  static final Duration MAX_LIFE_TIME = Duration.ofSeconds(60);
  static final Duration EVICTION_INTERVAL = Duration.ofSeconds(10);

  static final String USER_AGENT = userAgent();

  private final HttpClient http;
  private final @Nullable ConnectionProvider ownedPool;
  private final @Nullable LoopResources ownedLoops;
  private volatile boolean closed;

  Transport(ClientConfig config) {
    HttpClient base;
    if (config.httpClient != null) {
      this.ownedPool = null;
      this.ownedLoops = null;
      base = config.httpClient;
      if (config.connectTimeoutSet) {
        base = withConnectTimeout(base, config.connectTimeout);
      }
    } else {
      ConnectionProvider.Builder pool =
          ConnectionProvider.builder("dyntokens")
              .maxConnections(config.maxConnections)
              .pendingAcquireMaxCount(config.maxPendingAcquires)
              .pendingAcquireTimeout(ClientConfig.PENDING_ACQUIRE_TIMEOUT)
              .maxIdleTime(config.maxIdleTime)
              .maxLifeTime(MAX_LIFE_TIME)
              .evictInBackground(config.evictionInterval)
              .lifo();
      if (config.http2) {
        // Reactor Netty's HTTP/2 pool opens a connection per waiting call while none is up yet, so
        // a cold burst of N calls would pay N handshakes; strict reuse opens another connection
        // only when the open ones carry all the streams the server allows.
        pool.allocationStrategy(
            Http2AllocationStrategy.builder()
                .maxConnections(config.maxConnections)
                .strictConnectionReuse(true)
                .build());
      }
      this.ownedPool = config.telemetry.instrumentPool(pool).build();
      // The caller's loops (a WebFlux server's) run the pool's connections but stay the caller's:
      // the pool, with the eviction above, is the client's own either way.
      LoopResources loops = config.loopResources;
      if (loops == null) {
        this.ownedLoops =
            LoopResources.create(
                "dyntokens", Math.max(1, Runtime.getRuntime().availableProcessors()), true);
        loops = ownedLoops;
      } else {
        this.ownedLoops = null;
      }
      base = withConnectTimeout(HttpClient.create(ownedPool), config.connectTimeout).runOn(loops);
    }
    // The host and port as the client parsed them: Reactor Netty would otherwise read them again
    // from the URL and the Host header, and could take "127.0.0.1:1" for a name to look up.
    // Requests then name only their path (Reactor Netty's URL pattern takes a port of one or six
    // digits for part of the host name).
    InetSocketAddress remote = config.remoteAddress;
    base = base.remoteAddress(() -> remote);
    if (config.http2) {
      // HTTP/2 where the server agrees to it by ALPN, HTTP/1.1 where it does not; the default TLS
      // set-up then offers both (Reactor Netty picks its HTTP/2 SslContext spec for these).
      base = base.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
    }
    SslContext sslContext = config.sslContext;
    if (!config.secure) {
      base = base.noSSL();
    } else if (sslContext != null) {
      base = base.secure(spec -> spec.sslContext(sslContext));
    } else if (base.configuration().sslProvider() == null) {
      base = base.secure();
    }
    String authorization = config.apiToken == null ? null : "Bearer " + config.apiToken;
    // Set one by one: headers a caller's own HttpClient already carries (a proxy's, a tenant's)
    // stay; only the client's own names are replaced.
    HttpClient configured = base.headers(h -> setFixedHeaders(h, config.baseUrl, authorization));
    if (config.wiretap) {
      WireLogger logger = new WireLogger();
      configured =
          configured.doOnChannelInit(
              (observer, channel, address) -> {
                if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                  channel.pipeline().addBefore(NettyPipeline.HttpCodec, WireLogger.NAME, logger);
                } else if (channel.pipeline().get(NettyPipeline.SslHandler) != null) {
                  // HTTP/1.1 or HTTP/2 by ALPN: the codec comes after the handshake, the logger
                  // goes behind TLS now (and stays silent on HTTP/2, see WireLogger).
                  channel.pipeline().addAfter(NettyPipeline.SslHandler, WireLogger.NAME, logger);
                } else {
                  channel.pipeline().addFirst(WireLogger.NAME, logger);
                }
              });
    }
    this.http = configured;
  }

  HttpClient http() {
    return http;
  }

  boolean isClosed() {
    return closed;
  }

  /** Disposes the pool and loops this transport created; completes when they are gone. */
  Mono<Void> closeLater() {
    return Mono.defer(
        () -> {
          closed = true;
          Mono<Void> pool = ownedPool == null ? Mono.empty() : ownedPool.disposeLater();
          Mono<Void> loops =
              ownedLoops == null
                  ? Mono.empty()
                  : ownedLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(2));
          return pool.then(loops);
        });
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
    String version = Transport.class.getPackage().getImplementationVersion();
    return "dynamic-token-client/"
        + (version == null ? "dev" : version)
        + " (Java "
        + Runtime.version().feature()
        + "; reactor-netty)";
  }
}
