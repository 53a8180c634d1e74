package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FakeTls;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The client's own pool on HTTP/2: a cold burst of calls shares one connection (the fake allows far
 * more streams than these) instead of opening one per call, as Reactor Netty's HTTP/2 pool does by
 * default while no connection is up yet; on HTTP/1.1, and against a server that declines h2, each
 * call in flight has its own.
 */
@Timeout(60)
class Http2PoolTest {
  private static final FakeTls TLS = FakeTls.selfSigned();
  private static final int BURST = 16;

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {true, false})
  void aColdBurstOpensOneConnectionOnHttp2AndOnePerCallOnHttp11(boolean http2) throws Exception {
    try (FakeDynamicApi api = FakeDynamicApi.builder().tls(TLS).start()) {
      assertThat(connectionsForABurst(api.baseUrl(), api.apiToken(), TLS.certificate(), http2))
          .isEqualTo(http2 ? 1 : BURST);
    }
  }

  @Test
  void aServerThatDeclinesHttp2StillGetsAConnectionPerCallInFlight() throws Exception {
    X509Bundle cert =
        new CertificateBuilder()
            .subject("CN=localhost")
            .addSanIpAddress("127.0.0.1")
            .ecp256()
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
    // HTTP/1.1 only (no ALPN); each answer takes a moment, so all the calls overlap.
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .secure(
                spec ->
                    spec.sslContext(
                        Http11SslContextSpec.forServer(
                            cert.getKeyPair().getPrivate(), cert.getCertificate())))
            .route(
                r ->
                    r.get(
                        "/api/v0/tokens/me",
                        (req, res) ->
                            res.sendString(Mono.delay(Duration.ofMillis(300)).thenReturn("{}"))))
            .bindNow();
    try {
      String url = "https://127.0.0.1:" + server.port() + "/api/v0";
      assertThat(connectionsForABurst(url, "dyn_test", cert.getCertificate(), true))
          .isEqualTo(BURST);
    } finally {
      server.disposeNow();
    }
  }

  /**
   * Sends {@value #BURST} requests at once through a transport built as the client builds its own,
   * and returns how many connections its pool opened for them.
   */
  private static int connectionsForABurst(
      String baseUrl, String apiToken, X509Certificate trusted, boolean http2) throws Exception {
    Transport transport =
        new Transport(
            ClientConfig.builder()
                .baseUrl(baseUrl)
                .apiToken(apiToken)
                .sslContext(
                    http2
                        ? Http2SslContextSpec.forClient()
                            .configure(b -> b.trustManager(trusted))
                            .sslContext()
                        : Http11SslContextSpec.forClient()
                            .configure(b -> b.trustManager(trusted))
                            .sslContext())
                .http2(http2)
                .build());
    AtomicInteger connections = new AtomicInteger();
    // The same pool, seen through a client that counts the connections it opens.
    HttpClient counting =
        transport
            .http()
            .doOnChannelInit(
                (observer, channel, address) -> {
                  if (!(channel instanceof Http2StreamChannel)) {
                    connections.incrementAndGet();
                  }
                });
    try {
      List<Integer> statuses =
          Flux.range(0, BURST)
              .flatMap(
                  i ->
                      counting
                          .get()
                          .uri("/api/v0/tokens/me")
                          .responseSingle((res, body) -> Mono.just(res.status().code())),
                  BURST)
              .collectList()
              .block(Duration.ofSeconds(30));
      assertThat(statuses).hasSize(BURST).containsOnly(200);
      return connections.get();
    } finally {
      transport.closeLater().block(Duration.ofSeconds(10));
    }
  }
}
