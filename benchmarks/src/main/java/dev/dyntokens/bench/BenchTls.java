package dev.dyntokens.bench;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;

/**
 * TLS for the benchmarks: one self-signed certificate per JVM (EC P-256, for 127.0.0.1 and
 * localhost), made at first use; the server's context (OpenSSL, TLS 1.3 only, HTTP/1.1, no session
 * resumption); and the JVM's default trust pointed at a PKCS12 trust store holding that
 * certificate, so every contender verifies the server through its own default trust, with no
 * trust-all manager anywhere.
 */
final class BenchTls {
  static final String TLS_13 = "TLSv1.3";
  private static final char[] PASSWORD = "benchmark".toCharArray();
  private static X509Bundle bundle;
  private static boolean trusted;

  private BenchTls() {}

  static synchronized X509Bundle bundle() {
    if (bundle == null) {
      Instant now = Instant.now();
      try {
        bundle =
            new CertificateBuilder()
                .subject("CN=localhost")
                .addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1")
                .notBefore(now.minus(Duration.ofHours(1)))
                .notAfter(now.plus(Duration.ofDays(7)))
                .ecp256()
                .setIsCertificateAuthority(true)
                .addExtendedKeyUsageServerAuth()
                .buildSelfSigned();
      } catch (Exception e) {
        throw new IllegalStateException("cannot make the benchmark certificate", e);
      }
    }
    return bundle;
  }

  /**
   * Writes a PKCS12 trust store with the certificate to a temporary file and sets {@code
   * javax.net.ssl.trustStore}, {@code ...Password} and {@code ...Type}: the JDK's default trust
   * managers (JSSE's default SSLContext, Netty's SslContextBuilder without a trust manager, for
   * the JDK and the OpenSSL provider alike) read them when first created, so this must run before
   * any SSL context in the JVM exists: first thing in a trial's set-up, in a fresh JMH fork.
   */
  static synchronized void trustViaJvmDefaults() {
    if (trusted) {
      return;
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("bench-server", bundle().getCertificate());
      Path file = Files.createTempFile("bench-trust", ".p12");
      file.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, PASSWORD);
      }
      System.setProperty("javax.net.ssl.trustStore", file.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", new String(PASSWORD));
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      trusted = true;
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the benchmark trust store", e);
    }
  }

  /**
   * The server's context: OpenSSL (BoringSSL), TLS 1.3 only, no ALPN (HTTP/1.1), and no session
   * resumption: no session cache here, and no TLS 1.3 tickets ({@link #noTickets}, per connection),
   * so every new connection is a full handshake.
   */
  static SslContext serverContext() {
    X509Bundle b = bundle();
    return withoutResumption(
        () ->
            openSslTls13(SslContextBuilder.forServer(b.getKeyPair().getPrivate(), b.getCertificate()))
                .build());
  }

  /**
   * The server's context for the HTTP/2 benchmark: as {@link #serverContext()}, but offering
   * {@code h2} and {@code http/1.1} by ALPN (Reactor Netty's HTTP/2 spec: its ciphers and ALPN).
   */
  static SslContext serverContextAlpn() {
    X509Bundle b = bundle();
    return withoutResumption(
        () ->
            Http2SslContextSpec.forServer(b.getKeyPair().getPrivate(), b.getCertificate())
                .configure(BenchTls::openSslTls13)
                .sslContext());
  }

  /** The servers' provider and protocol: OpenSSL, TLS 1.3 only. */
  private static SslContextBuilder openSslTls13(SslContextBuilder builder) {
    return builder.sslProvider(openSsl()).protocols(TLS_13);
  }

  /** Builds a server context with its session cache off (see {@link #noTickets} for tickets). */
  private static SslContext withoutResumption(Callable<SslContext> build) {
    try {
      SslContext context = build.call();
      ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(false);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the server's SslContext", e);
    }
  }

  /**
   * Stops an OpenSSL server connection from issuing session tickets (Netty's OpenSSL server sends
   * TLS 1.3 tickets by default, and clients resume with them). Call on the channel's event loop,
   * before its handshake begins.
   */
  static void noTickets(SslHandler ssl) {
    if (ssl.engine() instanceof ReferenceCountedOpenSslEngine openSsl) {
      SSL.setOptions(openSsl.sslPointer(), SSL.SSL_OP_NO_TICKET);
    }
  }

  private static SslProvider openSsl() {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "OpenSSL (netty-tcnative-boringssl-static) is not available: "
              + OpenSsl.unavailabilityCause());
    }
    return SslProvider.OPENSSL;
  }

  /** A client spec offering h2 and http/1.1 by ALPN, on the given provider. */
  static Http2SslContextSpec clientSpecAlpn(SslProvider provider) {
    return Http2SslContextSpec.forClient().configure(b -> b.sslProvider(provider));
  }

  /** A client spec on the given provider, trusting through the JVM's default trust store. */
  static Http11SslContextSpec clientSpec(SslProvider provider) {
    return Http11SslContextSpec.forClient().configure(b -> b.sslProvider(provider));
  }
}
