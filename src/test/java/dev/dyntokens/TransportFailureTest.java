package dev.dyntokens;

import static dev.dyntokens.Fixtures.clientFor;
import static dev.dyntokens.Fixtures.created;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Transport failures, timeouts and cancellation, against a real socket. */
class TransportFailureTest {
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.startServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void refusedConnectionIsConnectionFailedAndNotWritten() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    try (ReactiveTokenClient client =
        ReactiveTokenClient.builder()
            .baseUrl("http://127.0.0.1:" + port + "/api/v0")
            .apiToken(Fixtures.API_TOKEN)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(ConnectionFailedException.class);
                TransportException t = (TransportException) e;
                assertThat(t.requestWritten()).isFalse();
                assertThat(t.retryable()).isTrue();
                assertThat(t.requestMayHaveBeenProcessed()).isFalse();
                assertThat(t.getCause()).isNotNull();
              })
          .verify(Duration.ofSeconds(10));
    }
  }

  @Test
  void answerThatNeverComesTimesOutAfterTheResponseTimeout() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    try (ReactiveTokenClient client =
        clientFor(server).responseTimeout(Duration.ofMillis(300)).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(ResponseTimeoutException.class);
                assertThat(e.getMessage()).contains("300 ms");
                assertThat(((TransportException) e).requestMayHaveBeenProcessed()).isTrue();
                assertThat(TokenMayExistException.in(e)).isPresent();
              })
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void bodyThatTricklesPastTheResponseTimeoutTimesOutToo() {
    // Each read arrives well within the timeout; only the whole exchange is too slow.
    server.enqueue(created().newBuilder().throttleBody(64, 100, TimeUnit.MILLISECONDS).build());
    try (ReactiveTokenClient client =
        clientFor(server).responseTimeout(Duration.ofMillis(400)).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectError(ResponseTimeoutException.class)
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void deadlineRestartsForEachExchangeOnAReusedConnection() throws Exception {
    // Three answers of 600 ms each under a 1,000 ms deadline: only a deadline that carried over
    // from the connection's first exchange would fail the second or third. The margins are wide
    // so that a loaded machine cannot fail an exchange on its own.
    for (int i = 0; i < 3; i++) {
      server.enqueue(created().newBuilder().headersDelay(600, TimeUnit.MILLISECONDS).build());
    }
    try (ReactiveTokenClient client =
        clientFor(server).maxConnections(1).responseTimeout(Duration.ofMillis(1_000)).build()) {
      for (int i = 0; i < 3; i++) {
        StepVerifier.create(client.createToken(CreateTokenRequest.of("n" + i)))
            .expectNextCount(1)
            .verifyComplete();
      }
    }
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
  }

  @Test
  void idleConnectionOutlivesTheResponseTimeoutAndItsNextExchangeIsTimedAgain() throws Exception {
    server.enqueue(created());
    server.enqueue(created());
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    try (ReactiveTokenClient client =
        clientFor(server).maxConnections(1).responseTimeout(Duration.ofMillis(1_000)).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("first")))
          .expectNextCount(1)
          .verifyComplete();
      // Idle for twice the deadline: a deadline left armed would close the pooled connection.
      StepVerifier.create(reactor.core.publisher.Mono.delay(Duration.ofMillis(2_000)))
          .expectNextCount(1)
          .verifyComplete();
      StepVerifier.create(client.createToken(CreateTokenRequest.of("second")))
          .expectNextCount(1)
          .verifyComplete();
      StepVerifier.create(client.createToken(CreateTokenRequest.of("stalled")))
          .expectError(ResponseTimeoutException.class)
          .verify(Duration.ofSeconds(5));
    }
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
  }

  @Test
  void informationalAnswerDoesNotStopTheDeadline() {
    server.enqueue(
        created()
            .newBuilder()
            .addInformationalResponse(new MockResponse.Builder().code(100).build())
            .onResponseBody(SocketEffect.Stall.INSTANCE)
            .build());
    try (ReactiveTokenClient client =
        clientFor(server).responseTimeout(Duration.ofMillis(300)).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectError(ResponseTimeoutException.class)
          .verify(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 102, 103})
  void informationalAnswersBeforeTheAnswerAreSkipped(int code) throws Exception {
    // A 1xx is not the answer: taking a 103 Early Hints for it would fail a create the server
    // goes on to complete, leaving a live token whose secret nobody holds.
    MockResponse hint = new MockResponse.Builder().code(code).addHeader("Link", "</x>").build();
    server.enqueue(created().newBuilder().addInformationalResponse(hint).build());
    server.enqueue(
        Fixtures.json(200, Fixtures.LIST_BODY).newBuilder().addInformationalResponse(hint).build());
    server.enqueue(created());
    // One connection: the client hands a call its answer a moment before Reactor Netty returns the
    // connection to the pool, so with more allowed the next call could open a second one; with
    // one it waits for this one, and a connection closed after the interim answer would show as
    // connection index 1.
    try (ReactiveTokenClient client = clientFor(server).maxConnections(1).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .assertNext(t -> assertThat(t.id()).isEqualTo(Fixtures.TOKEN_ID))
          .verifyComplete();
      StepVerifier.create(client.listTokens().count()).expectNext(2L).verifyComplete();
      // The connection is still in step: the next exchange on it gets its own answer.
      StepVerifier.create(client.createToken(CreateTokenRequest.of("y")))
          .expectNextCount(1)
          .verifyComplete();
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
    server.takeRequest();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
  }

  @Test
  void connectionClosedAfterTheRequestWasWrittenIsAmbiguous() {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
            .build());
    try (ReactiveTokenClient client = clientFor(server).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(ConnectionClosedException.class);
                assertThat(((TransportException) e).requestWritten()).isTrue();
                assertThat(((TransportException) e).requestMayHaveBeenProcessed()).isTrue();
              })
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void cancelledCallDoesNotPoisonThePoolAndTheNextCallSucceeds() throws Exception {
    server.enqueue(created().newBuilder().headersDelay(2, TimeUnit.SECONDS).build());
    server.enqueue(created());
    try (ReactiveTokenClient client = clientFor(server).maxConnections(1).build()) {
      Disposable inFlight = client.createToken(CreateTokenRequest.of("cancel me")).subscribe();
      assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
      inFlight.dispose();

      StepVerifier.create(client.createToken(CreateTokenRequest.of("next")))
          .expectNextCount(1)
          .verifyComplete();
    }
    // The cancelled exchange's connection was closed at once, not kept for its late answer and
    // handed on: Reactor Netty would close it later on the cancelled call's behalf, under the
    // next call's feet (ExchangeGuard).
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex()).isEqualTo(1);
  }

  @Test
  void overloadBeyondPoolAndQueueFailsFastWithClearError() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(created().newBuilder().headersDelay(1, TimeUnit.SECONDS).build());
    }
    try (ReactiveTokenClient client =
        clientFor(server).maxConnections(1).maxPendingAcquires(1).build()) {
      StepVerifier.create(
              Flux.range(0, 3)
                  .flatMap(
                      i ->
                          client
                              .createToken(CreateTokenRequest.of("n" + i))
                              .map(t -> "ok")
                              .onErrorResume(
                                  ConnectionPoolExhaustedException.class,
                                  e -> reactor.core.publisher.Mono.just(e.getMessage())))
                  .collectList())
          .assertNext(
              results ->
                  assertThat(results)
                      .filteredOn(r -> !r.equals("ok"))
                      .singleElement()
                      .asString()
                      .contains("1 calls were already waiting"))
          .verifyComplete();
    }
  }

  @Test
  void closingTheClientFailsLaterCalls() {
    ReactiveTokenClient client = clientFor(server).build();
    client.close();
    client.close();

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(TokenClientException.class)
                    .hasMessageContaining("closed"))
        .verify(Duration.ofSeconds(5));
  }
}
