package dev.dyntokens.testing;

import static java.util.Objects.requireNonNull;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import reactor.netty.http.Http2SslContextSpec;

/**
 * The key and certificate a {@link FakeDynamicApi} serves HTTPS with ({@link
 * FakeDynamicApi.Builder#tls}), and the trust material a client needs to verify it: an immutable
 * value, so one certificate can serve several fakes (or the same fake restarted) and stay trusted.
 *
 * <pre>{@code
 * FakeTls tls = FakeTls.selfSigned();
 * try (FakeDynamicApi api = FakeDynamicApi.builder().tls(tls).start()) {   // https://127.0.0.1:port
 *   HttpClient http = HttpClient.create().secure(spec -> spec.sslContext(
 *       Http11SslContextSpec.forClient().configure(b -> b.trustManager(tls.certificate()))));
 *   ReactiveTokenClient client = ReactiveTokenClient.builder()
 *       .baseUrl(api.baseUrl()).apiToken(api.apiToken()).httpClient(http).build();
 * }
 * }</pre>
 *
 * <p>Over TLS the fake offers HTTP/2 and HTTP/1.1 by ALPN (TLS 1.2 and 1.3, the JDK's provider): a
 * client that asks for {@code h2} gets HTTP/2, any other HTTP/1.1.
 */
public final class FakeTls {
  private final PrivateKey key;
  private final X509Certificate certificate;

  private FakeTls(PrivateKey key, X509Certificate certificate) {
    this.key = key;
    this.certificate = certificate;
  }

  /**
   * A new self-signed certificate (EC P-256) for {@code localhost}, {@code 127.0.0.1} and {@code
   * ::1}, valid from an hour ago for 30 days, made now. Needs {@code io.netty:netty-pkitesting} on
   * the class path (an optional dependency of this library; it brings BouncyCastle). CPU only, some
   * milliseconds: call it from a test thread, not an event loop.
   *
   * @throws IllegalStateException if the certificate cannot be made
   */
  public static FakeTls selfSigned() {
    Instant now = Instant.now();
    try {
      X509Bundle bundle =
          new CertificateBuilder()
              .subject("CN=localhost")
              .addSanDnsName("localhost")
              .addSanIpAddress("127.0.0.1")
              .addSanIpAddress("::1")
              .notBefore(now.minus(Duration.ofHours(1)))
              .notAfter(now.plus(Duration.ofDays(30)))
              .ecp256()
              .setIsCertificateAuthority(true)
              .addExtendedKeyUsageServerAuth()
              .buildSelfSigned();
      return new FakeTls(bundle.getKeyPair().getPrivate(), bundle.getCertificate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
    }
  }

  /** The caller's own key and certificate (which should name {@code 127.0.0.1}). */
  public static FakeTls of(PrivateKey key, X509Certificate certificate) {
    return new FakeTls(
        requireNonNull(key, "key == null"), requireNonNull(certificate, "certificate == null"));
  }

  /** The certificate the fake presents: what a client trusts to verify it. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * {@link #certificate()} in PEM ({@code -----BEGIN CERTIFICATE-----}...), for files and tools.
   */
  public String certificatePem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode the certificate", e);
    }
  }

  /**
   * A PKCS12 trust store in memory holding {@link #certificate()} as its one trusted entry, for a
   * {@code TrustManagerFactory} or, stored to a file, for {@code -Djavax.net.ssl.trustStore}.
   */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("fake-dynamic-api", certificate);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a trust store", e);
    }
  }

  /** The server side: HTTP/2 and HTTP/1.1 by ALPN. */
  Http2SslContextSpec serverSpec() {
    return Http2SslContextSpec.forServer(key, certificate);
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "FakeTls[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
