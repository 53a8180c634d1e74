package dev.dyntokens;

import static dev.dyntokens.Fixtures.API_TOKEN;
import static dev.dyntokens.Fixtures.ENV_ID;
import static dev.dyntokens.Fixtures.RAW_TOKEN;
import static dev.dyntokens.Fixtures.TOKEN_ID;
import static dev.dyntokens.Fixtures.clientFor;
import static dev.dyntokens.Fixtures.created;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Request shapes and decoding of every operation, against MockWebServer. */
class ReactiveTokenClientTest extends MockServerTest {
  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("request the server received").isNotNull();
    return request;
  }

  @Test
  void createTokenPostsNoteAndScopesWithBearerAndDecodesTheDocumentedAnswer() throws Exception {
    server.enqueue(created());

    StepVerifier.create(
            client.createToken(
                CreateTokenRequest.of(
                    "ci deploy",
                    TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE,
                    TokenScope.ENVIRONMENT_USERS_READ)))
        .assertNext(
            token -> {
              assertThat(token.id()).isEqualTo(TOKEN_ID);
              assertThat(token.rawToken()).isEqualTo(RAW_TOKEN);
              assertThat(token.checksum()).isEqualTo("4n3LFC");
              assertThat(token.createdBy())
                  .isEqualTo(
                      new TokenCreator(
                          TOKEN_ID, "<string>", "<string>", "<string>", "jsmith@example.com"));
              assertThat(token.createdAt()).isEqualTo(Instant.parse("2023-11-07T05:31:56Z"));
              assertThat(token.active()).isTrue();
              assertThat(token.note()).isEqualTo("<string>");
              assertThat(token.projectEnvironmentId()).isEqualTo(TOKEN_ID);
              assertThat(token.scopes())
                  .containsExactly(TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE);
            })
        .verifyComplete();

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/api/v0/user/tokens");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_TOKEN);
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(request.getHeaders().get("User-Agent")).startsWith("dynamic-token-client/");
    String key = request.getHeaders().get("Idempotency-Key");
    assertThat(java.util.UUID.fromString(key).toString()).isEqualTo(key);
    assertThat(java.util.UUID.fromString(key).version()).isEqualTo(4);
    assertThat(java.util.UUID.fromString(key).variant()).isEqualTo(2);
    assertThat(request.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + server.getPort());
    for (String name : List.of("Authorization", "Host", "Accept", "User-Agent", "Content-Type")) {
      assertThat(request.getHeaders().values(name)).as(name).hasSize(1);
    }
    assertThat(request.getBody().utf8())
        .isEqualTo(
            "{\"note\":\"ci deploy\",\"scopes\":[\"waas.delegatedAccess.signMessage\","
                + "\"environment.users.read\"]}");
  }

  @Test
  void createWithoutScopesSendsOnlyTheNote() throws Exception {
    server.enqueue(created());

    StepVerifier.create(client.createToken(CreateTokenRequest.of("only a note")))
        .expectNextCount(1)
        .verifyComplete();

    assertThat(take().getBody().utf8()).isEqualTo("{\"note\":\"only a note\"}");
  }

  @Test
  void createEnvironmentTokenPostsToTheEnvironmentPath() throws Exception {
    server.enqueue(created());

    StepVerifier.create(
            client.createEnvironmentToken(
                ENV_ID, CreateTokenRequest.of("env", TokenScope.WAAS_AUTHENTICATE)))
        .expectNextCount(1)
        .verifyComplete();

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/api/v0/environments/" + ENV_ID + "/tokens");
  }

  @Test
  void listTokensDecodesEveryTokenIgnoresUnknownFieldsAndKeepsUnknownScopes() throws Exception {
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(client.listTokens())
        .assertNext(
            info -> {
              assertThat(info.id()).isEqualTo(TOKEN_ID);
              assertThat(info.checksum()).isEqualTo("4n3LFC");
              assertThat(info.createdBy().id()).isEqualTo("u1");
              assertThat(info.note()).isEqualTo("a");
              assertThat(info.active()).as("the list endpoints do not say").isNull();
              assertThat(info.scopes())
                  .containsExactly(
                      TokenScope.ENVIRONMENT_USERS_READ, TokenScope.of("future.scope"));
              assertThat(info.scopes().get(1).isKnown()).isFalse();
            })
        .assertNext(
            info -> {
              assertThat(info.id()).isEqualTo("b2");
              assertThat(info.createdAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123Z"));
              assertThat(info.note()).isNull();
              assertThat(info.scopes()).isEmpty();
            })
        .verifyComplete();

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget()).isEqualTo("/api/v0/user/tokens");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_TOKEN);
    assertThat(request.getBodySize()).isZero();
  }

  @Test
  void listedTokenCarriesActiveWhenTheApiStartsSendingIt() {
    server.enqueue(json(200, Fixtures.LIST_BODY.replace("\"note\":\"a\"", "\"active\":false")));

    StepVerifier.create(client.listTokens().next())
        .assertNext(info -> assertThat(info.active()).isFalse())
        .verifyComplete();
  }

  @Test
  void listEnvironmentTokensGetsTheEnvironmentPath() throws Exception {
    server.enqueue(json(200, "{\"tokens\":[]}"));

    StepVerifier.create(client.listEnvironmentTokens(ENV_ID)).verifyComplete();

    assertThat(take().getTarget()).isEqualTo("/api/v0/environments/" + ENV_ID + "/tokens");
  }

  @Test
  void aRawTokenPassedAsATokenIdIsMaskedInTheRequestDescriptionButSentAsGiven() throws Exception {
    server.enqueue(json(404, "{\"error\":\"Token not found\"}"));

    StepVerifier.create(client.deleteToken(RAW_TOKEN))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(NotFoundException.class);
              NotFoundException n = (NotFoundException) e;
              assertThat(n.request()).startsWith("DELETE /user/tokens/").doesNotContain(RAW_TOKEN);
              assertThat(n.request().substring("DELETE /user/tokens/".length()))
                  .doesNotContain(RAW_TOKEN.substring(4, 12));
              assertThat(e.getMessage())
                  .contains("DELETE /user/tokens/")
                  .contains("Token not found")
                  .doesNotContain(RAW_TOKEN.substring(4, 12));
            })
        .verify(Duration.ofSeconds(5));
    assertThat(take().getTarget()).isEqualTo("/api/v0/user/tokens/" + RAW_TOKEN);
  }

  @Test
  void theApiTokenPassedAsATokenIdIsMaskedInTheRequestDescriptionButSentAsGiven() throws Exception {
    String apiToken = "sk_live_0123456789abcdefghijklmnop";
    server.enqueue(json(404, "{\"error\":\"Token not found\"}"));
    try (ReactiveTokenClient c = clientFor(server).apiToken(apiToken).build()) {
      StepVerifier.create(c.deleteToken(apiToken))
          .expectErrorSatisfies(
              e -> {
                assertThat(((NotFoundException) e).request())
                    .isEqualTo("DELETE /user/tokens/<redacted>");
                assertThat(e.getMessage()).doesNotContain(apiToken).contains("Token not found");
              })
          .verify(Duration.ofSeconds(5));
    }
    assertThat(take().getTarget()).isEqualTo("/api/v0/user/tokens/" + apiToken);
  }

  @Test
  void deleteTokenSendsDeleteAndCompletesOnAnEmptyAnswer() throws Exception {
    server.enqueue(new MockResponse.Builder().code(204).build());
    server.enqueue(new MockResponse.Builder().code(200).build());

    StepVerifier.create(client.deleteToken(TOKEN_ID)).verifyComplete();
    StepVerifier.create(client.deleteEnvironmentToken(ENV_ID, TOKEN_ID)).verifyComplete();

    RecordedRequest first = take();
    assertThat(first.getMethod()).isEqualTo("DELETE");
    assertThat(first.getTarget()).isEqualTo("/api/v0/user/tokens/" + TOKEN_ID);
    assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_TOKEN);
    RecordedRequest second = take();
    assertThat(second.getTarget())
        .isEqualTo("/api/v0/environments/" + ENV_ID + "/tokens/" + TOKEN_ID);
  }

  @Test
  void nothingIsSentUntilSubscriptionAndEachSubscriptionIsOneCall() {
    server.enqueue(created());
    server.enqueue(created());

    Mono<Token> create = client.createToken(CreateTokenRequest.of("lazy"));
    Flux<TokenInfo> list = client.listTokens();
    Mono<Void> delete = client.deleteToken(TOKEN_ID);
    assertThat(server.getRequestCount()).isZero();
    assertThat(list).isNotNull();
    assertThat(delete).isNotNull();

    StepVerifier.create(create).expectNextCount(1).verifyComplete();
    StepVerifier.create(create).expectNextCount(1).verifyComplete();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void eachCreateCallHasItsOwnIdempotencyKey() throws Exception {
    server.enqueue(created());
    server.enqueue(created());
    Mono<Token> create = client.createToken(CreateTokenRequest.of("keys"));

    StepVerifier.create(create.then(create)).expectNextCount(1).verifyComplete();

    assertThat(take().getHeaders().get("Idempotency-Key"))
        .isNotEqualTo(take().getHeaders().get("Idempotency-Key"));
  }

  @Test
  void apiTokenProviderIsAskedOnEveryCall() throws Exception {
    server.enqueue(created());
    server.enqueue(created());
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    try (ReactiveTokenClient rotating =
        ReactiveTokenClient.builder()
            .baseUrl(Fixtures.baseUrl(server))
            .apiTokenProvider(Mono.fromSupplier(() -> "dyn_rotated" + n.incrementAndGet()))
            .retryPolicy(RetryPolicy.none())
            .build()) {
      Mono<Token> create = rotating.createToken(CreateTokenRequest.of("rotate"));
      StepVerifier.create(create.then(create)).expectNextCount(1).verifyComplete();
    }
    assertThat(take().getHeaders().get("Authorization")).isEqualTo("Bearer dyn_rotated1");
    assertThat(take().getHeaders().get("Authorization")).isEqualTo("Bearer dyn_rotated2");
  }

  @Test
  void hundredsOfConcurrentCallsAllSucceed() {
    int calls = 300;
    for (int i = 0; i < calls; i++) {
      server.enqueue(created());
    }

    List<Token> tokens =
        Flux.range(0, calls)
            .flatMap(i -> client.createToken(CreateTokenRequest.of("load " + i)), calls)
            .collectList()
            .block(Duration.ofSeconds(30));

    assertThat(tokens).hasSize(calls);
    assertThat(server.getRequestCount()).isEqualTo(calls);
  }

  @Test
  void tokenToStringShowsTheChecksumButNeverTheSecret() {
    server.enqueue(created());

    Token token = client.createToken(CreateTokenRequest.of("print")).block(Duration.ofSeconds(5));

    assertThat(token).isNotNull();
    assertThat(token.toString()).contains("4n3LFC").doesNotContain(RAW_TOKEN);
    assertThat(client.toString()).doesNotContain(API_TOKEN);
  }

  @Test
  void baseUrlWithTrailingSlashIsNormalized() {
    try (ReactiveTokenClient c =
        ReactiveTokenClient.builder()
            .baseUrl(Fixtures.baseUrl(server) + "/")
            .apiToken(API_TOKEN)
            .build()) {
      assertThat(c.baseUrl()).isEqualTo(Fixtures.baseUrl(server));
    }
  }

  @Test
  void defaultBaseUrlIsTheDynamicApi() {
    try (ReactiveTokenClient c = ReactiveTokenClient.builder().apiToken(API_TOKEN).build()) {
      assertThat(c.baseUrl()).isEqualTo("https://app.dynamicauth.com/api/v0");
    }
  }

  @Test
  void callerHttpClientIsUsedAndNeverDisposedByClose() {
    server.enqueue(created());
    server.enqueue(created());
    reactor.netty.resources.ConnectionProvider pool =
        reactor.netty.resources.ConnectionProvider.create("caller", 4);
    reactor.netty.http.client.HttpClient shared = reactor.netty.http.client.HttpClient.create(pool);
    try {
      ReactiveTokenClient first = clientFor(server).httpClient(shared).build();
      StepVerifier.create(first.createToken(CreateTokenRequest.of("shared")))
          .expectNextCount(1)
          .verifyComplete();
      first.close();
      assertThat(pool.isDisposed()).isFalse();

      try (ReactiveTokenClient second = clientFor(server).httpClient(shared).build()) {
        StepVerifier.create(second.createToken(CreateTokenRequest.of("again")))
            .expectNextCount(1)
            .verifyComplete();
      }
    } finally {
      pool.dispose();
    }
  }

  @Test
  void callerHttpClientKeepsItsOwnDefaultHeadersButNotItsUserAgent() throws Exception {
    server.enqueue(created());
    reactor.netty.resources.ConnectionProvider pool =
        reactor.netty.resources.ConnectionProvider.create("caller-headers", 1);
    reactor.netty.http.client.HttpClient shared =
        reactor.netty.http.client.HttpClient.create(pool)
            .headers(h -> h.set("X-Proxy-Tenant", "acme").set("User-Agent", "theirs"));
    try (ReactiveTokenClient client = clientFor(server).httpClient(shared).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("headers")))
          .expectNextCount(1)
          .verifyComplete();
    } finally {
      pool.dispose();
    }
    RecordedRequest request = take();
    assertThat(request.getHeaders().get("X-Proxy-Tenant")).isEqualTo("acme");
    assertThat(request.getHeaders().values("User-Agent"))
        .singleElement()
        .asString()
        .startsWith("dynamic-token-client/");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_TOKEN);
  }
}
