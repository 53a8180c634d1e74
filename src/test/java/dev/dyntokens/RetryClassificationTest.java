package dev.dyntokens;

import static dev.dyntokens.Fixtures.created;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Exceptions;
import reactor.test.StepVerifier;

/**
 * Which failures are retried, one test per row of the classification, against a real socket: each
 * test counts the requests the server saw.
 */
class RetryClassificationTest extends MockServerTest {
  private static final Duration VERIFY = Duration.ofSeconds(10);
  private static final CreateTokenRequest REQUEST =
      CreateTokenRequest.of("ci deploy", TokenScope.ENVIRONMENT_USERS_READ);

  private final List<ReactiveTokenClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(ReactiveTokenClient::close);
  }

  /** Small waits keep real time short; the waits themselves are tested on virtual time. */
  private static RetryPolicy.Builder fast() {
    return RetryPolicy.builder()
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5))
        .throttledBackoff(Duration.ofMillis(5));
  }

  private ReactiveTokenClient retrying() {
    return retrying(fast().build());
  }

  private ReactiveTokenClient retrying(RetryPolicy policy) {
    ReactiveTokenClient c =
        Fixtures.clientFor(server)
            .retryPolicy(policy)
            .responseTimeout(Duration.ofMillis(300))
            .build();
    clients.add(c);
    return c;
  }

  private static MockResponse status(int code) {
    return json(code, "{\"error\":\"status " + code + "\"}");
  }

  private static MockResponse rateLimited(String retryAfter) {
    return json(429, "{\"message\":\"Rate limit exceeded\",\"code\":429}")
        .newBuilder()
        .setHeader("Retry-After", retryAfter)
        .build();
  }

  private static MockResponse noAnswerInTime() {
    return created().newBuilder().headersDelay(2, TimeUnit.SECONDS).build();
  }

  private static MockResponse resetAfterWrite() {
    return new MockResponse.Builder()
        .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
        .build();
  }

  private static MockResponse deleted() {
    return new MockResponse.Builder().code(204).build();
  }

  // ---- always retried: the server did not act ----

  @Test
  void listAnswered503Then503Then200SucceedsOnTheThirdRequest() {
    server.enqueue(status(503));
    server.enqueue(status(503));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens()).expectNextCount(2).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void createAnswered429WithRetryAfterZeroIsRetried() {
    server.enqueue(rateLimited("0"));
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .assertNext(t -> assertThat(t.id()).isEqualTo(Fixtures.TOKEN_ID))
        .expectComplete()
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void createRetriedAfter503SendsTheSameIdempotencyKeyOnEveryAttempt() throws Exception {
    server.enqueue(status(503));
    server.enqueue(status(503));
    server.enqueue(created());
    server.enqueue(created());
    ReactiveTokenClient client = retrying();

    StepVerifier.create(client.createToken(REQUEST)).expectNextCount(1).expectComplete().verify();
    assertThat(server.getRequestCount()).isEqualTo(3);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      keys.add(r.getHeaders().get("Idempotency-Key"));
    }
    assertThat(keys.get(0)).isNotBlank();
    assertThat(keys).containsOnly(keys.get(0));

    // Another call is another logical create: another key.
    StepVerifier.create(client.createToken(REQUEST)).expectNextCount(1).expectComplete().verify();
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Idempotency-Key"))
        .isNotBlank()
        .isNotEqualTo(keys.get(0));
  }

  @Test
  void createThatCouldNotConnectIsRetriedAndFailsWithEveryAttemptAccountedFor() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    try (ReactiveTokenClient refused =
        ReactiveTokenClient.builder()
            .baseUrl("http://127.0.0.1:" + port + "/api/v0")
            .apiToken(Fixtures.API_TOKEN)
            .retryPolicy(fast().maxAttempts(3).build())
            .build()) {
      StepVerifier.create(refused.createToken(REQUEST))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(ConnectionFailedException.class);
                assertThat(e.getSuppressed())
                    .hasSize(2)
                    .allSatisfy(s -> assertThat(s).isInstanceOf(ConnectionFailedException.class));
                assertThat(TokenMayExistException.in(e)).isEmpty();
              })
          .verify(VERIFY);
    }
  }

  @Test
  void a429WithRetryAfterBeyondTheCapSurfacesAtOnceWithoutAnotherRequest() {
    server.enqueue(rateLimited("120"));
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(RateLimitedException.class);
              assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofMinutes(2));
            })
        .verify(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  // ---- ambiguous: retried for list and delete, not for create ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {500, 502, 504})
  void listAnsweredWithAnAmbiguousServerErrorIsRetried(int code) {
    server.enqueue(status(code));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens()).expectNextCount(2).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void listThatTimedOutIsRetried() {
    server.enqueue(noAnswerInTime());
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens()).expectNextCount(2).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void listWhoseConnectionWasResetAfterTheRequestIsRetried() {
    server.enqueue(resetAfterWrite());
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens()).expectNextCount(2).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {500, 502, 504})
  void createAnsweredWithAnAmbiguousServerErrorIsNotRetriedAndSaysTheTokenMayExist(int code) {
    server.enqueue(status(code));
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ServerErrorException.class);
              assertThat(((ServerErrorException) e).statusCode()).isEqualTo(code);
              TokenMayExistException m = TokenMayExistException.in(e).orElseThrow();
              assertThat(m.note()).isEqualTo("ci deploy");
              assertThat(m.scopes()).containsExactly(TokenScope.ENVIRONMENT_USERS_READ);
              assertThat(m.notBefore()).isBeforeOrEqualTo(m.notAfter());
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void createThatTimedOutIsNotRetriedAndSaysTheTokenMayExist() {
    server.enqueue(noAnswerInTime());
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ResponseTimeoutException.class);
              assertThat(TokenMayExistException.in(e)).isPresent();
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void createWhoseConnectionWasResetAfterTheRequestIsNotRetried() {
    server.enqueue(resetAfterWrite());
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ConnectionClosedException.class);
              assertThat(TokenMayExistException.in(e)).isPresent();
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void deleteAnswered500Then404Completes() {
    server.enqueue(status(500));
    server.enqueue(json(404, "{\"error\":\"not found\",\"code\":\"token_not_found\"}"));

    StepVerifier.create(retrying().deleteToken(Fixtures.TOKEN_ID)).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void deleteThatTimedOutIsRetried() {
    server.enqueue(noAnswerInTime());
    server.enqueue(deleted());

    StepVerifier.create(retrying().deleteToken(Fixtures.TOKEN_ID)).expectComplete().verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void deleteAnswered404AtOnceIsNotFound() {
    server.enqueue(json(404, "{\"error\":\"not found\",\"code\":\"token_not_found\"}"));
    server.enqueue(deleted());

    StepVerifier.create(retrying().deleteToken(Fixtures.TOKEN_ID))
        .expectError(NotFoundException.class)
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  // ---- never retried ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {400, 401, 403, 404, 422})
  void listAnsweredWithAClientErrorIsNotRetried(int code) {
    server.enqueue(status(code));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(DynamicApiException.class);
              assertThat(((DynamicApiException) e).statusCode()).isEqualTo(code);
              assertThat(e.getSuppressed()).isEmpty();
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void createAnswered400IsNotRetried() {
    server.enqueue(status(400));
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(BadRequestException.class);
              assertThat(TokenMayExistException.in(e)).isEmpty();
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void createAnswered422IsNotRetried() {
    server.enqueue(
        json(422, "{\"error\":\"too many\",\"code\":\"too_many_api_tokens\",\"payload\":{}}"));
    server.enqueue(created());

    StepVerifier.create(retrying().createToken(REQUEST))
        .expectError(UnprocessableEntityException.class)
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void listWhoseAnswerCannotBeDecodedIsNotRetried() {
    server.enqueue(json(200, "{\"tokens\": 42}"));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying().listTokens())
        .expectError(ResponseDecodingException.class)
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  // ---- exhaustion and policy none ----

  @Test
  void exhaustedRetriesGiveTheLastFailureWithTheEarlierTwoSuppressed() {
    server.enqueue(status(503));
    server.enqueue(status(502));
    server.enqueue(status(500));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying(fast().maxAttempts(3).build()).listTokens())
        .expectErrorSatisfies(
            e -> {
              assertThat(Exceptions.isRetryExhausted(e)).isFalse();
              assertThat(e).isInstanceOf(ServerErrorException.class);
              assertThat(((ServerErrorException) e).statusCode()).isEqualTo(500);
              assertThat(e.getSuppressed())
                  .extracting(s -> ((ServerErrorException) s).statusCode())
                  .containsExactly(503, 502);
            })
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void policyNoneSendsOneRequestEvenFor503() {
    server.enqueue(status(503));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(retrying(RetryPolicy.none()).listTokens())
        .expectError(ServerErrorException.class)
        .verify(VERIFY);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}
