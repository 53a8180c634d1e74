package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Every public entry point and builder option fed null, empty, blank, oversized, negative and
 * absurd values: each fails at once with an {@link IllegalArgumentException} or {@link
 * NullPointerException} whose message names the parameter (and never echoes a rejected value that
 * could be a secret), and nothing reaches the server. Extends {@link InputValidationTest}.
 */
class BadInputSweepTest {
  private static final String[] BLANKS = {"", " ", "   ", "\t", "\n", "\r\n", "\u2003", "\u3000"};

  private MockWebServer server;
  private ReactiveTokenClient client;
  private int rejections;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.startServer();
    client = Fixtures.clientFor(server).build();
  }

  @AfterEach
  void nothingWasSent() {
    try {
      assertThat(server.getRequestCount()).as("requests that reached the server").isZero();
    } finally {
      client.close();
      server.close();
    }
  }

  /** Asserts that {@code call} throws {@code type} at once with a message naming {@code param}. */
  private void rejects(
      String param, Class<? extends RuntimeException> type, ThrowingCallable call) {
    assertThatThrownBy(call)
        .as(param)
        .isInstanceOf(type)
        .hasMessageContaining(param)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    rejections++;
  }

  private void rejectsIllegal(String param, ThrowingCallable call) {
    rejects(param, IllegalArgumentException.class, call);
  }

  private void rejectsNull(String param, ThrowingCallable call) {
    rejects(param, NullPointerException.class, call);
  }

  // ---- ReactiveTokenClient.Builder ----

  @Test
  void baseUrlRejectsEmptyBlankOversizedAndMalformedValues() {
    rejectsNull("baseUrl", () -> ReactiveTokenClient.builder().baseUrl(null));
    List<String> bad = new ArrayList<>(Arrays.asList(BLANKS));
    bad.addAll(
        List.of(
            "localhost:8080",
            "//127.0.0.1/api",
            "/api/v0",
            "https:/app.dynamicauth.com",
            "https://app.dynamicauth.com/api v0",
            "https://app.dynamicauth.com/api/v0#frag",
            "https://app.dynamicauth.com/api/v0?",
            "https://user@app.dynamicauth.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ws://127.0.0.1/",
            "http://169.254.169.254/latest",
            "http://0.0.0.0/",
            "http://[::]/",
            "http://127.0.0.1.evil.com/",
            "http://localhost.evil.com/",
            "https://" + "a".repeat(70_000) + ".com:-1/",
            "https://\u0000/"));
    for (String url : bad) {
      rejectsIllegal("baseUrl", () -> ReactiveTokenClient.builder().baseUrl(url));
    }
  }

  @Test
  void apiTokenRejectsBlankOversizedAndNonAsciiValuesWithoutEchoingThem() {
    rejectsNull("apiToken", () -> ReactiveTokenClient.builder().apiToken(null));
    rejectsNull("apiTokenProvider", () -> ReactiveTokenClient.builder().apiTokenProvider(null));
    for (String blank : BLANKS) {
      rejectsIllegal("apiToken", () -> ReactiveTokenClient.builder().apiToken(blank));
    }
    String secretish = "dyn_SecretValueThatMustNotBeEchoed";
    for (String token :
        List.of(
            "x".repeat(8193),
            "x".repeat(1 << 20),
            secretish + " tail",
            secretish + "\u00e9",
            secretish + "\u0000",
            secretish + "\u007f",
            secretish + "\r\nX-Injected: 1",
            "\u202e" + secretish)) {
      assertThatThrownBy(() -> ReactiveTokenClient.builder().apiToken(token))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apiToken")
          .hasMessageNotContaining(secretish)
          .hasMessageNotContaining("xxxxxxxxxx");
      rejections++;
    }
    // The longest accepted token is accepted.
    assertThat(ReactiveTokenClient.builder().apiToken("x".repeat(8192))).isNotNull();
  }

  @Test
  void timeoutsRejectNullZeroNegativeAndAbsurdDurations() {
    List<Duration> bad =
        List.of(
            Duration.ZERO,
            Duration.ofNanos(-1),
            Duration.ofMillis(-1),
            Duration.ofSeconds(Long.MIN_VALUE),
            Duration.ofMinutes(5).plusNanos(1),
            Duration.ofDays(365),
            Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
    rejectsNull("connectTimeout", () -> ReactiveTokenClient.builder().connectTimeout(null));
    rejectsNull("responseTimeout", () -> ReactiveTokenClient.builder().responseTimeout(null));
    for (Duration d : bad) {
      rejectsIllegal("connectTimeout", () -> ReactiveTokenClient.builder().connectTimeout(d));
      rejectsIllegal("responseTimeout", () -> ReactiveTokenClient.builder().responseTimeout(d));
    }
    // The bounds themselves are accepted.
    ReactiveTokenClient.builder()
        .connectTimeout(Duration.ofNanos(1))
        .connectTimeout(Duration.ofMinutes(5))
        .responseTimeout(Duration.ofNanos(1))
        .responseTimeout(Duration.ofMinutes(5));
  }

  @Test
  void poolSizesRejectNegativeZeroAndAbsurdCounts() {
    for (int n : new int[] {Integer.MIN_VALUE, -1, 0, 10_001, Integer.MAX_VALUE}) {
      rejectsIllegal("maxConnections", () -> ReactiveTokenClient.builder().maxConnections(n));
    }
    for (int n : new int[] {Integer.MIN_VALUE, -1, 100_001, Integer.MAX_VALUE}) {
      rejectsIllegal(
          "maxPendingAcquires", () -> ReactiveTokenClient.builder().maxPendingAcquires(n));
    }
    ReactiveTokenClient.builder()
        .maxConnections(1)
        .maxConnections(10_000)
        .maxPendingAcquires(0)
        .maxPendingAcquires(100_000);
  }

  @Test
  void otherBuilderOptionsRejectNullAndBuildNeedsAToken() {
    rejectsNull("objectMapper", () -> ReactiveTokenClient.builder().objectMapper(null));
    rejectsNull("httpClient", () -> ReactiveTokenClient.builder().httpClient(null));
    rejectsNull("retryPolicy", () -> ReactiveTokenClient.builder().retryPolicy(null));
    rejects(
        "apiToken",
        IllegalStateException.class,
        () -> ReactiveTokenClient.builder().baseUrl(Fixtures.baseUrl(server)).build());
    // A rejected setter leaves the builder as it was: the earlier valid value still builds.
    ReactiveTokenClient.Builder b =
        ReactiveTokenClient.builder().baseUrl(Fixtures.baseUrl(server)).apiToken("dyn_ok");
    assertThatThrownBy(() -> b.apiToken(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.baseUrl("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    try (ReactiveTokenClient c = b.objectMapper(new ObjectMapper()).build()) {
      assertThat(c.baseUrl()).isEqualTo(Fixtures.baseUrl(server));
    }
  }

  // ---- RetryPolicy.Builder ----

  @Test
  void retryPolicyBuilderRejectsEveryAbsurdValue() {
    for (int n : new int[] {Integer.MIN_VALUE, -1, 0, 11, Integer.MAX_VALUE}) {
      rejectsIllegal("maxAttempts", () -> RetryPolicy.builder().maxAttempts(n));
    }
    List<Duration> nonPositive =
        List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(Long.MIN_VALUE));
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    for (String name :
        List.of("initialBackoff", "maxBackoff", "throttledBackoff", "maxRetryAfter", "deadline")) {
      rejectsNull(name, () -> durationSetter(name, null));
      for (Duration d : nonPositive) {
        rejectsIllegal(name, () -> durationSetter(name, d));
      }
      rejectsIllegal(name, () -> durationSetter(name, huge));
    }
    rejectsIllegal(
        "initialBackoff", () -> durationSetter("initialBackoff", Duration.ofSeconds(61)));
    rejectsIllegal("maxBackoff", () -> durationSetter("maxBackoff", Duration.ofSeconds(301)));
    rejectsIllegal(
        "throttledBackoff", () -> durationSetter("throttledBackoff", Duration.ofSeconds(61)));
    rejectsIllegal("maxRetryAfter", () -> durationSetter("maxRetryAfter", Duration.ofHours(2)));
    rejectsIllegal("deadline", () -> durationSetter("deadline", Duration.ofHours(2)));
    for (double ratio :
        new double[] {
          -0.0001, -1, 10.0001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
        }) {
      rejectsIllegal("ratio", () -> RetryPolicy.builder().retryBudget(ratio, 10));
    }
    for (int min : new int[] {Integer.MIN_VALUE, -1, 1_000_001, Integer.MAX_VALUE}) {
      rejectsIllegal("minPerSecond", () -> RetryPolicy.builder().retryBudget(0.2, min));
    }
    rejectsIllegal(
        "maxBackoff",
        () ->
            RetryPolicy.builder()
                .initialBackoff(Duration.ofSeconds(10))
                .maxBackoff(Duration.ofSeconds(9))
                .build());
    // toBuilder keeps checking.
    rejectsIllegal("maxAttempts", () -> RetryPolicy.defaults().toBuilder().maxAttempts(0));
  }

  private static RetryPolicy.Builder durationSetter(String name, Duration value) {
    RetryPolicy.Builder b = RetryPolicy.builder();
    switch (name) {
      case "initialBackoff":
        return b.initialBackoff(value);
      case "maxBackoff":
        return b.maxBackoff(value);
      case "throttledBackoff":
        return b.throttledBackoff(value);
      case "maxRetryAfter":
        return b.maxRetryAfter(value);
      default:
        return b.deadline(value);
    }
  }

  // ---- CreateTokenRequest and TokenScope ----

  @Test
  void createTokenRequestRejectsEveryBadNoteAndScopeList() {
    for (String blank : BLANKS) {
      rejectsIllegal("note", () -> CreateTokenRequest.of(blank));
      rejectsIllegal("note", () -> new CreateTokenRequest(blank, List.of()));
    }
    rejectsIllegal("note", () -> new CreateTokenRequest(null, List.of()));
    for (String longNote :
        List.of(
            "n".repeat(101),
            "n".repeat(1 << 20),
            "\ud83d\ude00".repeat(51),
            " ".repeat(50) + "n".repeat(51))) {
      rejectsIllegal("note", () -> CreateTokenRequest.of(longNote));
    }
    rejectsIllegal("scopes", () -> new CreateTokenRequest("n", null));
    rejectsIllegal("scopes", () -> CreateTokenRequest.of("n", (TokenScope[]) null));
    List<TokenScope> withNull = new ArrayList<>(TokenScope.knownScopes());
    withNull.add(7, null);
    rejectsIllegal("scopes[7]", () -> new CreateTokenRequest("n", withNull));
    rejectsIllegal("scopes[0]", () -> CreateTokenRequest.of("n", (TokenScope) null));
    // The note is checked before the scopes, and the message names the first bad parameter.
    rejectsIllegal("note", () -> new CreateTokenRequest(" ", null));
    // The scope list is copied and immutable: a caller cannot change a request after checking.
    CreateTokenRequest ok =
        new CreateTokenRequest("n", new ArrayList<>(List.of(TokenScope.WAAS_AUTHENTICATE)));
    assertThatThrownBy(() -> ok.scopes().add(TokenScope.WAAS_AUTHENTICATE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void tokenScopeRejectsBlankOversizedAndControlCharacterValues() {
    rejectsNull("value", () -> TokenScope.of(null));
    List<String> bad = new ArrayList<>(Arrays.asList(BLANKS));
    bad.addAll(
        List.of(
            "a".repeat(201),
            "a".repeat(1 << 20),
            "environment.users.read ",
            " environment.users.read",
            "a\u0000b",
            "a\u007fb",
            "a\nb",
            "a\u2028b"));
    for (String value : bad) {
      rejectsIllegal("scope value", () -> TokenScope.of(value));
    }
    assertThat(TokenScope.of("a".repeat(200)).value()).hasSize(200);
  }

  // ---- the client's methods ----

  @Test
  void everyMethodRejectsBadIdsAndNullsBeforeSendingAnything() {
    List<String> badIds = new ArrayList<>(Arrays.asList(BLANKS));
    badIds.addAll(
        List.of(
            "x".repeat(129),
            "x".repeat(1 << 20),
            "..",
            ".",
            "a/b",
            "a\\b",
            "%2F",
            "a?b",
            "a#b",
            "a;b",
            "a b",
            "a\u0000b",
            "a\r\nb",
            "\u0130",
            "\uff21",
            "\ud83d\ude00",
            "tok.1",
            "dyn_secret+value/that+must=not=leak"));
    CreateTokenRequest request = CreateTokenRequest.of("n");
    for (String id : badIds) {
      rejectsIllegal("tokenId", () -> client.deleteToken(id));
      rejectsIllegal("environmentId", () -> client.listEnvironmentTokens(id));
      rejectsIllegal("environmentId", () -> client.createEnvironmentToken(id, request));
      rejectsIllegal("environmentId", () -> client.deleteEnvironmentToken(id, "t"));
      rejectsIllegal("tokenId", () -> client.deleteEnvironmentToken("e", id));
      assertThatThrownBy(() -> client.deleteToken(id))
          .hasMessageNotContaining("dyn_secret")
          .hasMessageNotContaining("xxxxxxxxxx");
    }
    rejectsNull("request", () -> client.createToken(null));
    rejectsNull("request", () -> client.createEnvironmentToken("env", null));
    rejectsNull("environmentId", () -> client.createEnvironmentToken(null, request));
    rejectsNull("environmentId", () -> client.listEnvironmentTokens(null));
    rejectsNull("environmentId", () -> client.deleteEnvironmentToken(null, "t"));
    rejectsNull("tokenId", () -> client.deleteEnvironmentToken("e", null));
    rejectsNull("tokenId", () -> client.deleteToken(null));
    // Both ids bad: the environment is named first.
    rejectsIllegal("environmentId", () -> client.deleteEnvironmentToken("a/b", "c/d"));
    // A 128-character id is the longest accepted; not subscribing sends nothing.
    client.deleteToken("x".repeat(128));
    client.createEnvironmentToken("e".repeat(128), request);
    assertThat(rejections).isGreaterThan(130);
  }

  @Test
  void reconcilingCreatesRejectANoteWithoutRoomForTheMarkerAtOnce() throws Exception {
    try (ReactiveTokenClient reconciling =
        Fixtures.clientFor(server)
            .retryPolicy(RetryPolicy.builder().reconcileCreates(true).build())
            .build()) {
      rejectsIllegal("note", () -> reconciling.createToken(CreateTokenRequest.of("n".repeat(87))));
      rejectsIllegal(
          "note",
          () -> reconciling.createEnvironmentToken("env", CreateTokenRequest.of("n".repeat(100))));
      assertThat(reconciling.createToken(CreateTokenRequest.of("n".repeat(86)))).isNotNull();
    }
  }

  @Test
  void aBadTokenFromTheProviderFailsTheCallTypedWithoutSendingOrEchoingIt() {
    String secretish = "dyn_ProvidedSecretMustNotBeEchoed";
    List<Mono<String>> providers =
        List.of(
            Mono.just(secretish + "\r\nX-Injected: 1"),
            Mono.just(" "),
            Mono.just("x".repeat(8193)),
            Mono.just(secretish + "\u00e9"),
            Mono.empty(),
            Mono.error(new IllegalStateException("vault down: " + secretish)),
            Mono.never());
    for (Mono<String> provider : providers) {
      try (ReactiveTokenClient c =
          ReactiveTokenClient.builder()
              .baseUrl(Fixtures.baseUrl(server))
              .apiTokenProvider(provider)
              .retryPolicy(RetryPolicy.none())
              .responseTimeout(Duration.ofMillis(200))
              .build()) {
        StepVerifier.create(c.listTokens())
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(TokenClientException.class)
                        .hasMessageNotContaining(secretish)
                        .hasMessageNotContaining("xxxxxxxxxx")
                        .satisfies(x -> assertThat(x.getMessage()).isNotBlank()))
            .verify(Duration.ofSeconds(5));
      }
    }
  }
}
