package dev.dyntokens.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A minimal loopback HTTP/1.1 server that answers every {@code POST /user/tokens} with the canned
 * create answer. It runs on one event-loop thread of its own (named {@value #THREAD_PREFIX}...), so
 * its CPU time can be told apart from the client's.
 */
public final class CannedServer implements AutoCloseable {
  public static final String THREAD_PREFIX = "bench-server";

  private static final ByteBuf BODY =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(CannedAnswer.BYTES));

  /** Connections the server accepted since the JVM started (for the keep-alive check). */
  private static final LongAdder CONNECTIONS = new LongAdder();

  private final LoopResources loops;
  private final DisposableServer server;

  private CannedServer(LoopResources loops, DisposableServer server) {
    this.loops = loops;
    this.server = server;
  }

  /** Binds to an ephemeral loopback port. */
  public static CannedServer start() {
    LoopResources loops = LoopResources.create(THREAD_PREFIX, 1, true);
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .doOnChannelInit((observer, channel, address) -> CONNECTIONS.increment())
            .route(
                routes ->
                    routes.post(
                        "/api/v0/user/tokens",
                        (req, res) ->
                            req.receive()
                                .then(
                                    Mono.defer(
                                        () ->
                                            res.header(
                                                    HttpHeaderNames.CONTENT_TYPE,
                                                    HttpHeaderValues.APPLICATION_JSON)
                                                .header(
                                                    HttpHeaderNames.CONTENT_LENGTH,
                                                    Integer.toString(CannedAnswer.BYTES.length))
                                                .send(Mono.just(BODY.duplicate()))
                                                .then()))))
            .bindNow(Duration.ofSeconds(10));
    return new CannedServer(loops, server);
  }

  /** Connections accepted so far by every server in this JVM. */
  public static long connectionsAccepted() {
    return CONNECTIONS.sum();
  }

  /** The base URL to give a client, ending in {@code /api/v0}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/api/v0";
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
  }
}
