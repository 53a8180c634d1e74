package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input from the caller fails at once, naming the parameter, before anything is sent. */
class InputValidationTest {
  private final ReactiveTokenClient client =
      ReactiveTokenClient.builder().baseUrl("http://127.0.0.1:9/api/v0").apiToken("dyn_x").build();

  @Test
  void createTokenRequestRejectsMissingBlankAndLongNotesAndNullScopes() {
    assertThatThrownBy(() -> CreateTokenRequest.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("note");
    assertThatThrownBy(() -> CreateTokenRequest.of("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> CreateTokenRequest.of("x".repeat(101)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100");
    assertThatThrownBy(() -> CreateTokenRequest.of("n", (TokenScope[]) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scopes");
    assertThatThrownBy(() -> CreateTokenRequest.of("n", TokenScope.WAAS_AUTHENTICATE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scopes[1]");
    assertThatThrownBy(() -> new CreateTokenRequest("n", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CreateTokenRequest.of("x".repeat(100)).note()).hasSize(100);
  }

  @Test
  void createTokenRequestCopiesItsScopes() {
    List<TokenScope> scopes =
        new java.util.ArrayList<>(Arrays.asList(TokenScope.WAAS_AUTHENTICATE));
    CreateTokenRequest request = new CreateTokenRequest("n", scopes);
    scopes.clear();
    assertThat(request.scopes()).containsExactly(TokenScope.WAAS_AUTHENTICATE);
  }

  @Test
  void tokenScopeRoundTripsKnownAndUnknownValues() {
    assertThat(TokenScope.of("environment.apiTokens.read"))
        .isSameAs(TokenScope.ENVIRONMENT_API_TOKENS_READ);
    assertThat(TokenScope.of("environment.balances.read").value())
        .isEqualTo("environment.balances.read");
    assertThat(TokenScope.of("brand.new.scope")).isEqualTo(TokenScope.of("brand.new.scope"));
    assertThat(TokenScope.knownScopes()).hasSize(18);
    assertThatThrownBy(() -> TokenScope.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TokenScope.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenScope.of("a b")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\u0085b",
        "a\u00a0b",
        "a\u2007b",
        "a\u202fb",
        "a\u200bb",
        "a\u200db",
        "\ufeffa",
        "a\u0000"
      })
  void tokenScopeRefusesCharactersThatHideInALog(String value) {
    assertThatThrownBy(() -> TokenScope.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index " + (value.charAt(0) == '\ufeff' ? 0 : 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../admin", "a/b", "a?b=c", "a#b", "%2e%2e", "a b", "ü"})
  void idsThatCouldChangeThePathAreRefused(String id) {
    assertThatThrownBy(() -> client.deleteToken(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenId");
    assertThatThrownBy(() -> client.listEnvironmentTokens(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environmentId");
    assertThatThrownBy(() -> client.deleteEnvironmentToken("env", id))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullArgumentsThrowNullPointerExceptionNamingTheParameter() {
    assertThatThrownBy(() -> client.createToken(null)).hasMessageContaining("request");
    assertThatThrownBy(() -> client.createEnvironmentToken(null, CreateTokenRequest.of("n")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("environmentId");
    assertThatThrownBy(() -> client.deleteToken(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tokenId");
    assertThatThrownBy(() -> client.deleteEnvironmentToken("e", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderChecksEachArgumentAtOnce() {
    ReactiveTokenClient.Builder b = ReactiveTokenClient.builder();
    assertThatThrownBy(() -> b.baseUrl(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> b.apiToken(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("apiToken");
    assertThatThrownBy(() -> b.apiToken(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.apiToken("dyn_a\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("Evil");
    assertThatThrownBy(() -> b.retryPolicy(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.httpClient(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.responseTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("responseTimeout");
    assertThatThrownBy(() -> b.responseTimeout(Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> b.maxPendingAcquires(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apiToken");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://app.dynamicauth.com/api/v0",
        "http://10.0.0.5/api",
        "ftp://x/",
        "not a url",
        "https://",
        "https://h/api?x=1",
        "https://user:pw@h/api"
      })
  void unsafeOrInvalidBaseUrlsAreRefused(String url) {
    assertThatThrownBy(() -> ReactiveTokenClient.builder().baseUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://user:s3cretPw@h.example/api",
        "https://s3cretPw@h.example/api",
        "https://h.example/api?key=s3cretPw",
        "https://h.example/api#s3cretPw",
        "https://h.example:70000/api?key=s3cretPw",
        "https://h.example:/api#s3cretPw",
        "ftp://user:s3cretPw@h.example/api",
        "http://user:s3cretPw@10.0.0.5/api",
        "https://h.example/api?key=s3cretPw value",
        "https://user:s3cretPw@bad_host/api",
        "mailto:s3cretPw@h.example"
      })
  void aRefusedBaseUrlIsDescribedWithoutItsUserinfoQueryOrFragment(String url) {
    assertThatThrownBy(() -> ReactiveTokenClient.builder().baseUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl")
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cretPw");
                assertThat(t.toString()).doesNotContain("s3cretPw");
              }
            });
  }

  @Test
  void aRefusedBaseUrlStillSaysWhatIsWrongAndWhere() {
    assertThatThrownBy(
            () -> ReactiveTokenClient.builder().baseUrl("https://user:pw@h.example:8443/api"))
        .hasMessageContaining("user")
        .hasMessageContaining("https://h.example:8443/api");
    assertThatThrownBy(() -> ReactiveTokenClient.builder().baseUrl("https://h.example/api?k=v"))
        .hasMessageContaining("query")
        .hasMessageContaining("https://h.example/api");
    assertThatThrownBy(() -> ReactiveTokenClient.builder().baseUrl("https://h.example/api#f"))
        .hasMessageContaining("fragment")
        .hasMessageContaining("https://h.example/api");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:8080/api/v0",
        "http://127.0.0.1:1/x",
        "http://[::1]:8080/",
        "https://app.dynamicauth.com/api/v0"
      })
  void httpsAndLoopbackHttpBaseUrlsAreAccepted(String url) {
    try (ReactiveTokenClient c = ReactiveTokenClient.builder().baseUrl(url).apiToken("t").build()) {
      assertThat(c.baseUrl()).startsWith(url.substring(0, 10));
    }
  }

  @Test
  void retryPolicyBuilderRejectsAbsurdValues() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().maxBackoff(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofSeconds(2))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().retryBudget(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(3);
    assertThat(RetryPolicy.defaults().initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(RetryPolicy.defaults().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
  }
}
