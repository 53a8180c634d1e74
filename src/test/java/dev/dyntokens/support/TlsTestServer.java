package dev.dyntokens.support;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import okhttp3.tls.HeldCertificate;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * An HTTPS server on 127.0.0.1 with a self-signed certificate, answering {@code GET
 * /api/v0/tokens/me} as the API does, for the TLS tests. Optionally requires a client certificate.
 */
public final class TlsTestServer implements AutoCloseable {
  /** The answer of {@code GET /tokens/me}. */
  public static final String ME_BODY =
      "{\"token\":{\"id\":\"8c9d3c38-5f5e-4a46-9d4c-1f2b3a4c5d6e\",\"checksum\":\"a1b2c3\","
          + "\"createdBy\":{\"id\":\"u-1\"},\"createdAt\":\"2026-01-02T03:04:05.678Z\","
          + "\"note\":\"tls-test\"}}";

  public static final String ME_ID = "8c9d3c38-5f5e-4a46-9d4c-1f2b3a4c5d6e";

  private final LoopResources loops;
  private final DisposableServer server;
  private final AtomicInteger answered = new AtomicInteger();

  private TlsTestServer(SslContext context) {
    this.loops = LoopResources.create("tls-test-server", 1, true);
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .secure(spec -> spec.sslContext(context))
            .route(
                routes ->
                    routes.get(
                        "/api/v0/tokens/me",
                        (request, response) -> {
                          answered.incrementAndGet();
                          return response
                              .header("Content-Type", "application/json")
                              .sendByteArray(Mono.just(ME_BODY.getBytes(StandardCharsets.UTF_8)));
                        }))
            .bindNow(Duration.ofSeconds(10));
  }

  /** A self-signed certificate for {@code host} (a name or an IP literal). */
  public static HeldCertificate certificate(String host) {
    return new HeldCertificate.Builder().commonName(host).addSubjectAlternativeName(host).build();
  }

  /**
   * Starts a server presenting {@code identity}; with {@code trustedClient} it requires a client
   * certificate and accepts only that one.
   */
  public static TlsTestServer start(
      HeldCertificate identity, @Nullable X509Certificate trustedClient) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(identity.keyPair().getPrivate(), identity.certificate());
      if (trustedClient != null) {
        builder.trustManager(trustedClient).clientAuth(ClientAuth.REQUIRE);
      }
      return new TlsTestServer(builder.build());
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code https://<host>:<port>/api/v0}; {@code host} must be the certificate's. */
  public String baseUrl(String host) {
    return "https://" + host + ":" + server.port() + "/api/v0";
  }

  /** Requests answered (so completed a TLS handshake). */
  public int answered() {
    return answered.get();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
  }
}
