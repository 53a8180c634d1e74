package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.support.TlsTestServer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import javax.net.ssl.SSLException;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** {@code Builder.sslContext}: the TLS settings of https calls, from the caller. */
class SslContextTest {
  private static final HeldCertificate LOCALHOST = TlsTestServer.certificate("localhost");

  private static ReactiveTokenClient.Builder clientFor(TlsTestServer server) {
    return ReactiveTokenClient.builder()
        .baseUrl(server.baseUrl("localhost"))
        .apiToken(Fixtures.API_TOKEN)
        .retryPolicy(RetryPolicy.none())
        .responseTimeout(Duration.ofSeconds(5));
  }

  private static SslContext trusting(HeldCertificate certificate) throws SSLException {
    return SslContextBuilder.forClient().trustManager(certificate.certificate()).build();
  }

  private static TokenInfo me(ReactiveTokenClient client) {
    try (client) {
      return client.currentToken().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aTrustedSelfSignedServerIsReached() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LOCALHOST, null)) {
      TokenInfo me = me(clientFor(server).sslContext(trusting(LOCALHOST)).build());

      assertThat(me).isNotNull();
      assertThat(me.id()).isEqualTo(TlsTestServer.ME_ID);
      assertThat(server.answered()).isEqualTo(1);
    }
  }

  @Test
  void withoutItTheJdksTrustStoreRefusesTheServer() {
    try (TlsTestServer server = TlsTestServer.start(LOCALHOST, null)) {
      ReactiveTokenClient client = clientFor(server).build();

      assertThatThrownBy(() -> me(client))
          .isInstanceOf(ConnectionFailedException.class)
          .hasMessageContaining("TLS handshake failed")
          .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
      assertThat(server.answered()).isZero();
    }
  }

  @Test
  void theHostNameIsStillVerified() throws Exception {
    HeldCertificate other = TlsTestServer.certificate("other.example");
    try (TlsTestServer server = TlsTestServer.start(other, null)) {
      // The certificate is trusted but names another host.
      ReactiveTokenClient client = clientFor(server).sslContext(trusting(other)).build();

      assertThatThrownBy(() -> me(client))
          .isInstanceOf(ConnectionFailedException.class)
          .hasMessageContaining("TLS handshake failed");
      assertThat(server.answered()).isZero();
    }
  }

  @Test
  void aClientCertificateIsPresentedWhenTheContextHasOne() throws Exception {
    HeldCertificate clientIdentity = TlsTestServer.certificate("client.example");
    try (TlsTestServer server = TlsTestServer.start(LOCALHOST, clientIdentity.certificate())) {
      SslContext withKey =
          SslContextBuilder.forClient()
              .trustManager(LOCALHOST.certificate())
              .keyManager(clientIdentity.keyPair().getPrivate(), clientIdentity.certificate())
              .build();
      assertThat(me(clientFor(server).sslContext(withKey).build()).id())
          .isEqualTo(TlsTestServer.ME_ID);

      ReactiveTokenClient withoutKey = clientFor(server).sslContext(trusting(LOCALHOST)).build();
      assertThatThrownBy(() -> me(withoutKey)).isInstanceOf(TokenClientException.class);
      assertThat(server.answered()).isEqualTo(1);
    }
  }

  @Test
  void itReplacesTheTlsOfACallersHttpClient() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(LOCALHOST, null)) {
      TokenInfo me =
          me(
              clientFor(server)
                  .httpClient(HttpClient.create().secure())
                  .sslContext(trusting(LOCALHOST))
                  .build());

      assertThat(me.id()).isEqualTo(TlsTestServer.ME_ID);
    }
  }

  @Test
  void argumentsAreCheckedAtOnce() throws Exception {
    ReactiveTokenClient.Builder builder = ReactiveTokenClient.builder();
    assertThatThrownBy(() -> builder.sslContext(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sslContext == null");
    assertThatThrownBy(() -> builder.loopResources(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loopResources == null");
    SslContext server =
        SslContextBuilder.forServer(LOCALHOST.keyPair().getPrivate(), LOCALHOST.certificate())
            .build();
    assertThatThrownBy(() -> builder.sslContext(server))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client context");
  }
}
