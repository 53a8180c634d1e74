package dev.dyntokens.bench.load;

import dev.dyntokens.testing.FakeTls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import dev.dyntokens.testing.FakeApiStats;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The library's {@link FakeDynamicApi} on a loopback port, as the driver's default target. */
public final class LibraryFake implements Target {
  /**
   * Faults injected by {@code --fault-rate} unless {@code --faults} names others: every kind that
   * answers at once (DELAY and NEVER_ANSWER would only measure the timeout).
   */
  public static final List<FaultKind> DEFAULT_FAULTS =
      List.of(
          FaultKind.STATUS_500,
          FaultKind.STATUS_502,
          FaultKind.STATUS_503,
          FaultKind.HTML_502,
          FaultKind.EMPTY_503,
          FaultKind.RATE_LIMIT_429,
          FaultKind.RESET_BEFORE_READ,
          FaultKind.CREATE_THEN_DROP,
          FaultKind.TRUNCATED_BODY,
          FaultKind.MALFORMED_JSON);

  private final FakeDynamicApi api;
  private final String description;

  public LibraryFake(double faultRate, List<FaultKind> kinds, int rateLimitPerSecond, long seed) {
    this(faultRate, kinds, rateLimitPerSecond, seed, false);
  }

  /**
   * @param tls serve HTTPS with a self-signed certificate made now, which the JVM's default trust
   *     store is then pointed at (see {@link #trustViaJvmDefaults}), so a client with its own
   *     defaults verifies it
   */
  public LibraryFake(
      double faultRate, List<FaultKind> kinds, int rateLimitPerSecond, long seed, boolean tls) {
    FaultPlan plan =
        faultRate > 0
            ? FaultPlan.uniform(faultRate, seed, kinds.toArray(FaultKind[]::new))
            : FaultPlan.none();
    FakeDynamicApi.Builder builder = FakeDynamicApi.builder();
    if (tls) {
      FakeTls certificate = FakeTls.selfSigned();
      trustViaJvmDefaults(certificate);
      builder.tls(certificate);
    }
    this.api =
        builder
            .port(0)
            .rateLimitPerSecond(rateLimitPerSecond)
            .faults(plan)
            .validation(true)
            .storeTokens(false) // memory stays flat on long runs; counters still count
            .start();
    this.description =
        String.format(
            Locale.ROOT,
            "embedded FakeDynamicApi at %s%s, fault rate %.3f%s, rate limit %s",
            api.baseUrl(),
            tls ? " (self-signed, trusted through the JVM trust store)" : "",
            faultRate,
            faultRate > 0 ? " over " + kinds : "",
            rateLimitPerSecond > 0 ? rateLimitPerSecond + "/s" : "off");
  }

  /**
   * Writes a PKCS12 trust store holding the certificate to a temporary file and sets {@code
   * javax.net.ssl.trustStore} (and its password and type): read by the JDK's default trust managers
   * when first made, so before the client (Reactor Netty's default TLS) exists.
   */
  private static void trustViaJvmDefaults(FakeTls tls) {
    char[] password = "load-driver".toCharArray();
    try {
      Path file = Files.createTempFile("fake-dynamic-api-trust", ".p12");
      file.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(file)) {
        tls.trustStore().store(out, password);
      }
      System.setProperty("javax.net.ssl.trustStore", file.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the fake's trust store", e);
    }
  }

  @Override
  public String baseUrl() {
    return api.baseUrl();
  }

  @Override
  public String apiToken() {
    return api.apiToken();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean real() {
    return false;
  }

  @Override
  public Map<String, Long> serverStats() {
    FakeApiStats s = api.stats();
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("requests", s.requests());
    out.put("tokensCreated", s.tokensCreated());
    s.byStatus().forEach((status, n) -> out.put("status." + status, n));
    s.faultsInjected().forEach((kind, n) -> out.put("fault." + kind, n));
    return out;
  }

  @Override
  public void close() {
    api.close();
  }
}
