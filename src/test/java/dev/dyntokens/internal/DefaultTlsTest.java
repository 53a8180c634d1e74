package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FakeTls;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's own TLS set-up, as a user without TLS code gets it: OpenSSL (netty-tcnative, a
 * dependency of the library) when its native library loads, the JDK's provider when it does not,
 * and the JVM's trust store either way. Runs in JVMs of its own (the pom's {@code default-tls-*}
 * surefire executions, the second with {@code -Dio.netty.handler.ssl.noOpenSsl=true}, which makes
 * the native library unloadable as a missing one would): Reactor Netty makes its default TLS set-up
 * once per JVM, so the trust store set here must come before any other test's TLS.
 */
@Tag("default-tls")
@Timeout(60)
class DefaultTlsTest {
  private static final FakeTls TLS = FakeTls.selfSigned();
  private static final boolean OPENSSL_OFF = Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl");
  private static Path trustStore;

  @BeforeAll
  static void trustTheFakeThroughTheJvmTrustStore() throws Exception {
    trustStore = Files.createTempFile("default-tls-test", ".p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      TLS.trustStore().store(out, "changeit".toCharArray());
    }
    System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  @AfterAll
  static void removeTheTrustStore() throws Exception {
    Files.deleteIfExists(trustStore);
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void theClientsOwnTlsRunsOnOpenSslWhenItLoadsAndOnTheJdkWhenItDoesNot(boolean http2) {
    assertThat(OpenSsl.isAvailable())
        .as("OpenSSL available (unavailability cause: %s)", OpenSsl.unavailabilityCause())
        .isEqualTo(!OPENSSL_OFF);
    ClientConfig config =
        ClientConfig.builder()
            .baseUrl("https://127.0.0.1:8443/api/v0")
            .apiToken("dyn_test")
            .http2(http2)
            .build();
    Transport transport = new Transport(config);
    try {
      SslContext context = transport.http().configuration().sslProvider().getSslContext();
      assertThat(context.isClient()).isTrue();
      assertThat(context)
          .isInstanceOf(OPENSSL_OFF ? JdkSslContext.class : ReferenceCountedOpenSslContext.class);
    } finally {
      transport.closeLater().block(Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void createsOverTlsWithNoTlsSettingsOfItsOwn(boolean http2) {
    try (FakeDynamicApi api = FakeDynamicApi.builder().tls(TLS).start();
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl(api.baseUrl())
                .apiToken(api.apiToken())
                .http2(http2)
                .build()) {
      Token token =
          client.createToken(CreateTokenRequest.of("default tls")).block(Duration.ofSeconds(20));
      assertThat(token).isNotNull();
      assertThat(client.listTokens().collectList().block(Duration.ofSeconds(20))).hasSize(1);
    }
  }

  @Test
  void runsInAJvmOfItsOwn() {
    // Reaching here in the main run's JVM would mean another test's TLS may have come first.
    assertThat(System.getProperty("dyntokens.defaultTlsJvm")).isEqualTo("true");
  }
}
