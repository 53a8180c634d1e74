package dev.dyntokens.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * What a {@link FakeDynamicApi.Builder} collects, with the checks of its setters and the making of
 * a server from it: mutable, confined to the builder that owns it.
 */
final class FakeConfig {
  int port;
  String basePath = FakeDynamicApi.DEFAULT_BASE_PATH;
  String apiToken = FakeDynamicApi.DEFAULT_API_TOKEN;
  @Nullable String readOnlyApiToken;
  @Nullable List<String> apiTokenScopes;
  @Nullable List<String> readOnlyApiTokenScopes;
  String apiTokenEnvironmentId = FakeDynamicApi.DEFAULT_ENVIRONMENT_ID;
  Set<String> knownScopes = Validator.DOCUMENTED_SCOPES;
  Clock clock = Clock.systemUTC();
  int maxLiveTokens = Integer.MAX_VALUE;
  int perClientPerMinute;
  int perEnvironmentPerMinute;
  int perSecond;
  boolean validation = true;
  boolean storeTokens = true;
  int deleteStatus = 204;
  FaultPlan faults = FaultPlan.none();
  int eventLoopThreads = 1;
  boolean daemon = true;
  int maxRequestBodyBytes = FakeDynamicApi.Builder.DEFAULT_MAX_REQUEST_BODY_BYTES;
  Duration idleTimeout = FakeDynamicApi.Builder.DEFAULT_IDLE_TIMEOUT;
  Duration readTimeout = FakeDynamicApi.Builder.DEFAULT_READ_TIMEOUT;
  Duration requestTimeout = FakeDynamicApi.Builder.DEFAULT_REQUEST_TIMEOUT;
  boolean trustForwardedFor;
  @Nullable FakeTls tls;

  LoopResources loops() {
    return LoopResources.create("fake-dynamic-api", 1, eventLoopThreads, daemon, false);
  }

  /** The settings, with the API tokens' identities created now, by the configured clock. */
  RequestHandler.Settings settings() {
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    FakeToken main =
        identity(
            FakeDynamicApi.API_TOKEN_ID,
            apiToken,
            "Fake API token",
            apiTokenScopes != null ? apiTokenScopes : List.copyOf(knownScopes),
            createdAt);
    String readOnly = readOnlyApiToken;
    FakeToken readOnlyInfo =
        readOnly == null
            ? null
            : identity(
                FakeDynamicApi.READ_ONLY_API_TOKEN_ID,
                readOnly,
                "Fake read-only API token",
                readOnlyApiTokenScopes != null ? readOnlyApiTokenScopes : readScopes(knownScopes),
                createdAt);
    return new RequestHandler.Settings(
        basePath,
        apiToken,
        readOnlyApiToken,
        main,
        readOnlyInfo,
        knownScopes,
        clock,
        perClientPerMinute,
        perEnvironmentPerMinute,
        perSecond,
        validation,
        deleteStatus,
        faults,
        maxRequestBodyBytes,
        trustForwardedFor);
  }

  private FakeToken identity(
      String id, String token, String note, List<String> scopes, Instant createdAt) {
    return new FakeToken(id, note, scopes, apiTokenEnvironmentId, createdAt, checksum(token));
  }

  /**
   * The last 6 characters, as the API's checksums are; a token of 6 or fewer gets zeros instead, so
   * the answer never spells out the whole secret.
   */
  private static String checksum(String token) {
    return token.length() > 6 ? token.substring(token.length() - 6) : "000000";
  }

  private static List<String> readScopes(Set<String> scopes) {
    List<String> read = new ArrayList<>();
    for (String scope : scopes) {
      if (scope.endsWith(".read")) {
        read.add(scope);
      }
    }
    return List.copyOf(read);
  }

  HttpServer server(LoopResources loops, RequestHandler handler) {
    HttpServer server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops);
    if (!idleTimeout.isZero()) {
      server = server.idleTimeout(idleTimeout);
    }
    if (!readTimeout.isZero()) {
      server = server.readTimeout(readTimeout);
    }
    if (!requestTimeout.isZero()) {
      server = server.requestTimeout(requestTimeout);
    }
    FakeTls secure = tls;
    if (secure != null) {
      server =
          server
              .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
              .secure(spec -> spec.sslContext(secure.serverSpec()));
    }
    return server.handle(handler::handle);
  }

  static int range(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + " to " + max + " but was " + value);
    }
    return value;
  }

  static String basePath(String basePath) {
    requireNonNull(basePath, "basePath == null");
    String trimmed =
        basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    if (!trimmed.isEmpty() && !trimmed.startsWith("/")) {
      throw new IllegalArgumentException("basePath must start with / but was " + basePath);
    }
    return trimmed;
  }

  static String notBlank(String value, String name) {
    requireNonNull(value, name + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** The scopes in the order given, unmodifiable. */
  static Set<String> orderedScopes(Set<String> scopes) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(scopes(scopes, "knownScopes")));
  }

  static int deleteStatus(int status) {
    if (status != 200 && status != 204) {
      throw new IllegalArgumentException("deleteStatus must be 200 or 204");
    }
    return status;
  }

  static Duration timeout(Duration timeout, String name) {
    requireNonNull(timeout, name + " == null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative but was " + timeout);
    }
    return timeout;
  }

  static Collection<String> scopes(Collection<String> scopes, String name) {
    requireNonNull(scopes, name + " == null");
    for (String scope : scopes) {
      requireNonNull(scope, name + " contains null");
      if (scope.isBlank()) {
        throw new IllegalArgumentException(name + " contains a blank scope");
      }
    }
    return scopes;
  }

  static String token(String token, String name) {
    requireNonNull(token, name + " == null");
    if (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException(name + " must be visible ASCII without spaces");
    }
    return token;
  }

  static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
    return value;
  }

  static int notNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative but was " + value);
    }
    return value;
  }
}
