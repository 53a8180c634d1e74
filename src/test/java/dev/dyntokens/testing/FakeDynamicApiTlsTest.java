package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.Token;
import dev.dyntokens.TokenScope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * The fake over HTTPS: a client that trusts its certificate works, one that does not fails typed.
 */
@Timeout(60)
class FakeDynamicApiTlsTest {
  private static final FakeTls TLS = FakeTls.selfSigned();

  private final FakeDynamicApi api = FakeDynamicApi.builder().tls(TLS).start();
  private final ConnectionProvider pool = ConnectionProvider.create("tls-test", 4);
  private ReactiveTokenClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    pool.dispose();
    api.close();
  }

  @Test
  void servesHttpsOnLoopbackWithTheCertificateItWasGiven() throws Exception {
    assertThat(api.baseUrl()).startsWith("https://127.0.0.1:" + api.port() + "/");
    assertThat(api.tls()).isSameAs(TLS);
    X509Certificate fromPem =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        TLS.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    assertThat(fromPem).isEqualTo(TLS.certificate());
    assertThat(TLS.trustStore().getCertificate("fake-dynamic-api")).isEqualTo(TLS.certificate());
    assertThat(FakeDynamicApi.builder().start())
        .satisfies(
            plain -> {
              assertThat(plain.baseUrl()).startsWith("http://");
              assertThat(plain.tls()).isNull();
              plain.close();
            });
  }

  @Test
  void aClientTrustingTheCertificateCreatesListsAndDeletesOverHttps() {
    HttpClient trusting =
        HttpClient.create(pool)
            .secure(
                spec ->
                    spec.sslContext(
                        Http11SslContextSpec.forClient()
                            .configure(b -> b.trustManager(TLS.certificate()))));
    client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .httpClient(trusting)
            .build();
    Token token =
        client
            .createToken(CreateTokenRequest.of("over tls", TokenScope.ENVIRONMENT_USERS_READ))
            .block(Duration.ofSeconds(20));
    assertThat(token).isNotNull();
    StepVerifier.create(client.listTokens())
        .assertNext(t -> assertThat(t.id()).isEqualTo(token.id()))
        .verifyComplete();
    StepVerifier.create(client.deleteToken(token.id())).verifyComplete();
    assertThat(api.tokens()).isEmpty();
    assertThat(api.stats().tokensCreated()).isEqualTo(1);
  }

  @Test
  void aClientNotTrustingItFailsWithATypedExceptionNotANettyOne() {
    // The client's own defaults: the JVM's trust store, which does not hold the fake's certificate.
    client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .retryPolicy(RetryPolicy.none())
            .build();
    StepVerifier.create(client.createToken(CreateTokenRequest.of("untrusted")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ConnectionFailedException.class);
              assertThat(e.getMessage()).doesNotContain(api.apiToken());
              assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            })
        .verify(Duration.ofSeconds(20));
    assertThat(api.stats().requests()).isZero();
  }
}
