package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenInfo;
import dev.dyntokens.support.TlsTestServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code dynamic.tokens.ssl.bundle}: the client's https connections use the application's SSL
 * bundle, here PEM files of a self-signed certificate, against a real HTTPS server.
 */
class DynamicTokensSslBundleTest {
  private static final String TOKEN = "dyn_sslBundleTestToken0123456789";
  private static final HeldCertificate SERVER = TlsTestServer.certificate("localhost");
  private static final HeldCertificate CLIENT = TlsTestServer.certificate("client.example");

  @TempDir static Path pem;
  private static TlsTestServer server;
  private static TlsTestServer mutualServer;

  @BeforeAll
  static void start() throws IOException {
    Files.writeString(pem.resolve("server.crt"), SERVER.certificatePem());
    Files.writeString(pem.resolve("client.crt"), CLIENT.certificatePem());
    Files.writeString(pem.resolve("client.key"), CLIENT.privateKeyPkcs8Pem());
    server = TlsTestServer.start(SERVER, null);
    mutualServer = TlsTestServer.start(SERVER, CLIENT.certificate());
  }

  @AfterAll
  static void stop() {
    server.close();
    mutualServer.close();
  }

  private static ApplicationContextRunner runner(TlsTestServer target, String... properties) {
    List<String> all = new ArrayList<>();
    all.add("dynamic.tokens.api-token=" + TOKEN);
    all.add("dynamic.tokens.base-url=" + target.baseUrl("localhost"));
    all.add("dynamic.tokens.retry.max-attempts=1");
    all.add("spring.ssl.bundle.pem.api.truststore.certificate=file:" + pem.resolve("server.crt"));
    all.add(
        "spring.ssl.bundle.pem.mutual.truststore.certificate=file:" + pem.resolve("server.crt"));
    all.add("spring.ssl.bundle.pem.mutual.keystore.certificate=file:" + pem.resolve("client.crt"));
    all.add("spring.ssl.bundle.pem.mutual.keystore.private-key=file:" + pem.resolve("client.key"));
    all.addAll(List.of(properties));
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(SslAutoConfiguration.class, DynamicTokensAutoConfiguration.class))
        .withPropertyValues(all.toArray(new String[0]));
  }

  private static TokenInfo me(AssertableApplicationContext context) {
    assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
    return context.getBean(ReactiveTokenClient.class).currentToken().block(Duration.ofSeconds(10));
  }

  @Test
  void theCallSucceedsWithTheBundlesTrustStore() {
    runner(server, "dynamic.tokens.ssl.bundle=api")
        .run(
            context -> {
              assertThat(me(context).id()).isEqualTo(TlsTestServer.ME_ID);
              assertThat(context.getBean(ReactiveTokenClient.class).toString())
                  .contains("sslContext=caller's");
            });
  }

  @Test
  void withoutTheBundleTheServerIsNotTrusted() {
    runner(server)
        .run(
            context ->
                assertThatThrownBy(() -> me(context))
                    .isInstanceOf(ConnectionFailedException.class)
                    .hasMessageContaining("TLS handshake failed"));
  }

  @Test
  void theBundlesKeyAndCertificateAreTheClientsIdentity() {
    runner(mutualServer, "dynamic.tokens.ssl.bundle=mutual")
        .run(context -> assertThat(me(context).id()).isEqualTo(TlsTestServer.ME_ID));
    // The server requires a client certificate: a bundle with only a trust store is refused.
    runner(mutualServer, "dynamic.tokens.ssl.bundle=api")
        .run(
            context ->
                assertThatThrownBy(() -> me(context)).isInstanceOf(TokenClientException.class));
  }

  @Test
  void theBundlesProtocolsAndCiphersAreApplied() {
    runner(
            server,
            "spring.ssl.bundle.pem.api.options.enabled-protocols=TLSv1.2",
            "spring.ssl.bundle.pem.api.options.ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        .run(
            context -> {
              SslContext ssl =
                  DynamicTokensAutoConfiguration.SslBundleConfiguration.sslContext(
                      "api", context.getBean(SslBundles.class).getBundle("api"));
              assertThat(ssl.isClient()).isTrue();
              assertThat(ssl.cipherSuites())
                  .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
              SSLEngine engine = ssl.newEngine(ByteBufAllocator.DEFAULT);
              // OpenSSL's engine also lists the SSLv2Hello pseudo-protocol (the ClientHello format
              // it accepts, not a version it negotiates); the versions are the bundle's.
              assertThat(engine.getEnabledProtocols())
                  .filteredOn(p -> !p.equals("SSLv2Hello"))
                  .containsExactly("TLSv1.2");
            });
    // And the client talks TLS 1.2 with that cipher to the server (an ECDSA certificate).
    runner(
            server,
            "dynamic.tokens.ssl.bundle=api",
            "spring.ssl.bundle.pem.api.options.enabled-protocols=TLSv1.2",
            "spring.ssl.bundle.pem.api.options.ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        .run(context -> assertThat(me(context).id()).isEqualTo(TlsTestServer.ME_ID));
  }

  @Test
  void anUnknownBundleFailsStartupWithItsName() {
    runner(server, "dynamic.tokens.ssl.bundle=nope")
        .run(
            context -> {
              assertThat(context).hasFailed();
              // The message names the property, the missing bundle and those that exist.
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining(
                      "dynamic.tokens.ssl.bundle names the SSL bundle 'nope', which is not"
                          + " configured (spring.ssl.bundle.*); configured: [")
                  .hasStackTraceContaining("api")
                  .hasStackTraceContaining("mutual");
            });
  }
}
