package dev.dyntokens.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A minimal loopback server, plain HTTP/1.1 or over TLS ({@link #startTls}, HTTP/1.1; {@link
 * #startTlsAlpn}, HTTP/2 or HTTP/1.1 by ALPN), that answers every {@code POST /user/tokens} with
 * the canned create answer. It runs on one event-loop thread of its own (named {@value
 * #THREAD_PREFIX}...), so its CPU time can be told apart from the client's.
 */
public final class CannedServer implements AutoCloseable {
  public static final String THREAD_PREFIX = "bench-server";

  private static final ByteBuf BODY =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(CannedAnswer.BYTES));

  /** Connections the server accepted since the JVM started (for the keep-alive check). */
  private static final LongAdder CONNECTIONS = new LongAdder();

  /** TLS handshakes the servers completed, and how many of them resumed a session. */
  private static final LongAdder HANDSHAKES = new LongAdder();

  /** Connections open now, at every server in this JVM. */
  private static final LongAdder OPEN = new LongAdder();

  private static final LongAdder RESUMED = new LongAdder();

  private final LoopResources loops;
  private final DisposableServer server;
  private final boolean secure;

  private CannedServer(LoopResources loops, DisposableServer server, boolean secure) {
    this.loops = loops;
    this.server = server;
    this.secure = secure;
  }

  /** Binds to an ephemeral loopback port, plain HTTP/1.1 with keep-alive. */
  public static CannedServer start() {
    return start(null, false, false);
  }

  /**
   * HTTP/1.1 over TLS with this context (see {@link BenchTls#serverContext()}).
   *
   * @param closeEach answer with {@code Connection: close} and close, so every creation needs a new
   *     connection and a full handshake
   */
  static CannedServer startTls(SslContext context, boolean closeEach) {
    return start(context, closeEach, false);
  }

  /**
   * HTTP/2 or HTTP/1.1 over TLS, as the client asks by ALPN; the context must offer both (see
   * {@link BenchTls#serverContextAlpn()}).
   */
  static CannedServer startTlsAlpn(SslContext context) {
    return start(context, false, true);
  }

  private static CannedServer start(@Nullable SslContext tls, boolean closeEach, boolean h2) {
    LoopResources loops = LoopResources.create(THREAD_PREFIX, 1, true);
    HttpServer base =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .doOnChannelInit(
                (observer, channel, address) -> {
                  if (channel instanceof Http2StreamChannel) {
                    return; // a stream of an HTTP/2 connection, not a connection
                  }
                  CONNECTIONS.increment();
                  OPEN.increment();
                  channel.closeFuture().addListener(closed -> OPEN.decrement());
                  SslHandler ssl = channel.pipeline().get(SslHandler.class);
                  if (ssl != null) {
                    BenchTls.noTickets(ssl);
                    countHandshake(ssl);
                  }
                });
    if (tls != null) {
      base = base.secure(spec -> spec.sslContext(tls));
      if (h2) {
        base = base.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
      }
    }
    DisposableServer server =
        base
            .route(
                routes ->
                    routes.post(
                        "/api/v0/user/tokens",
                        (req, res) ->
                            req.receive()
                                .then(
                                    Mono.defer(
                                        () ->
                                            res.keepAlive(!closeEach)
                                                .header(
                                                    HttpHeaderNames.CONTENT_TYPE,
                                                    HttpHeaderValues.APPLICATION_JSON)
                                                .header(
                                                    HttpHeaderNames.CONTENT_LENGTH,
                                                    Integer.toString(CannedAnswer.BYTES.length))
                                                .send(Mono.just(BODY.duplicate()))
                                                .then()))))
            .bindNow(Duration.ofSeconds(10));
    return new CannedServer(loops, server, tls != null);
  }

  /**
   * Counts a connection's handshake when it completes; called once per connection, as it is set
   * up (Reactor Netty's {@code doOnConnection} would run per request, and per stream on HTTP/2).
   */
  private static void countHandshake(SslHandler ssl) {
    ssl.handshakeFuture()
        .addListener(
            done -> {
              if (done.isSuccess()) {
                HANDSHAKES.increment();
                if (ssl.engine() instanceof ReferenceCountedOpenSslEngine openSsl
                    && SSL.isSessionReused(openSsl.sslPointer())) {
                  RESUMED.increment();
                }
              }
            });
  }

  /** TLS handshakes completed so far by every server in this JVM. */
  static long tlsHandshakes() {
    return HANDSHAKES.sum();
  }

  /** Of {@link #tlsHandshakes()}, those that resumed an earlier session (0 when none may). */
  static long tlsResumed() {
    return RESUMED.sum();
  }

  /** Connections open now at every server in this JVM. */
  static long connectionsOpen() {
    return OPEN.sum();
  }

  /** Connections accepted so far by every server in this JVM. */
  public static long connectionsAccepted() {
    return CONNECTIONS.sum();
  }

  /** The base URL to give a client, ending in {@code /api/v0}. */
  public String baseUrl() {
    return (secure ? "https" : "http") + "://127.0.0.1:" + server.port() + "/api/v0";
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
  }
}
