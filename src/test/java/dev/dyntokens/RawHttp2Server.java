package dev.dyntokens;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.netty.http.Http2SslContextSpec;

/**
 * An HTTP/2-only server over TLS (h2 by ALPN) on Netty's frame codec, for what Reactor Netty's
 * server cannot send: interim answers (1xx HEADERS frames) before the final answer, or instead of
 * it. Each request, once its last frame is in, gets the interim statuses in order, then the final
 * answer unless there is none (the stream is then left open). Plain Netty on purpose: MockWebServer
 * sends its informational answers over HTTP/1.1 only.
 */
final class RawHttp2Server implements AutoCloseable {
  private static final X509Bundle CERTIFICATE = selfSigned();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final Channel channel;

  /**
   * @param interim the 1xx statuses each answer begins with
   * @param finalStatus the final status, or 0 for none (only the interim answers are sent)
   * @param body the final answer's JSON body
   */
  RawHttp2Server(List<Integer> interim, int finalStatus, String body) throws Exception {
    SslContext tls =
        Http2SslContextSpec.forServer(
                CERTIFICATE.getKeyPair().getPrivate(), CERTIFICATE.getCertificate())
            .sslContext();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ChannelInitializer<Http2StreamChannel> streams =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Http2StreamChannel stream) {
            stream.pipeline().addLast(new Answerer(interim, finalStatus, bytes, requests));
          }
        };
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    ch.pipeline()
                        .addLast(
                            new ApplicationProtocolNegotiationHandler("none") {
                              @Override
                              protected void configurePipeline(
                                  ChannelHandlerContext ctx, String protocol) {
                                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                  ctx.close(); // HTTP/2 only: a client that did not ask for it
                                  return;
                                }
                                ctx.pipeline()
                                    .addLast(
                                        Http2FrameCodecBuilder.forServer().build(),
                                        new Http2MultiplexHandler(streams));
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /** The certificate to trust (self-signed, for 127.0.0.1). */
  static X509Certificate certificate() {
    return CERTIFICATE.getCertificate();
  }

  String baseUrl() {
    return "https://127.0.0.1:"
        + ((InetSocketAddress) channel.localAddress()).getPort()
        + "/api/v0";
  }

  int requests() {
    return requests.get();
  }

  int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Answers one stream once its request is complete. */
  private static final class Answerer extends ChannelInboundHandlerAdapter {
    private final List<Integer> interim;
    private final int finalStatus;
    private final byte[] body;
    private final AtomicInteger requests;

    Answerer(List<Integer> interim, int finalStatus, byte[] body, AtomicInteger requests) {
      this.interim = interim;
      this.finalStatus = finalStatus;
      this.body = body;
      this.requests = requests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean last =
          (msg instanceof Http2HeadersFrame h && h.isEndStream())
              || (msg instanceof Http2DataFrame d && d.isEndStream());
      ReferenceCountUtil.release(msg);
      if (!last) {
        return;
      }
      requests.incrementAndGet();
      for (int status : interim) {
        ctx.write(
            new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                    .status(Integer.toString(status))
                    .add("link", "</hint>; rel=preload"),
                false));
      }
      if (finalStatus != 0) {
        ctx.write(
            new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                    .status(Integer.toString(finalStatus))
                    .add("content-type", "application/json")
                    .addInt("content-length", body.length),
                false));
        ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
      }
      ctx.flush();
    }
  }

  private static X509Bundle selfSigned() {
    Instant now = Instant.now();
    try {
      return new CertificateBuilder()
          .subject("CN=localhost")
          .addSanIpAddress("127.0.0.1")
          .notBefore(now.minus(Duration.ofHours(1)))
          .notAfter(now.plus(Duration.ofDays(1)))
          .ecp256()
          .setIsCertificateAuthority(true)
          .addExtendedKeyUsageServerAuth()
          .buildSelfSigned();
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test certificate", e);
    }
  }
}
