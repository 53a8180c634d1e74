package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * {@code warmup()}: completes, opens no connection, sends nothing, and calls after it work; {@code
 * warmup(n)} opens n connections that the first calls then use.
 */
@Timeout(60)
class WarmupTest {
  private final FakeDynamicApi api = FakeDynamicApi.builder().start();
  private final ConnectionProvider pool = ConnectionProvider.create("warmup-test", 4);
  private final AtomicInteger connections = new AtomicInteger();

  @AfterEach
  void close() {
    pool.dispose();
    api.close();
  }

  /** A client on {@link #pool} that counts in {@link #connections} each connection it opens. */
  private ReactiveTokenClient countingConnections() {
    HttpClient counting =
        HttpClient.create(pool)
            .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet());
    return ReactiveTokenClient.builder()
        .baseUrl(api.baseUrl())
        .apiToken(api.apiToken())
        .httpClient(counting)
        .build();
  }

  @Test
  void warmsUpWithoutConnectingOrSendingThenCallsWork() {
    try (ReactiveTokenClient client = countingConnections()) {
      StepVerifier.create(client.warmup()).verifyComplete();
      StepVerifier.create(client.warmup()).verifyComplete(); // again: harmless
      assertThat(connections).hasValue(0);
      assertThat(api.stats().requests()).isZero();
      StepVerifier.create(
              client.createToken(CreateTokenRequest.of("after warm-up")).map(Token::note))
          .expectNext("after warm-up")
          .verifyComplete();
      assertThat(connections).hasValue(1);
      assertThat(api.stats().requests()).isEqualTo(1);
    }
  }

  @Test
  void warmsUpTheClientsOwnResourcesAndIsLazy() {
    ReactiveTokenClient client =
        ReactiveTokenClient.builder().baseUrl(api.baseUrl()).apiToken(api.apiToken()).build();
    client.warmup(); // not subscribed: nothing happens
    StepVerifier.create(client.warmup()).expectComplete().verify(Duration.ofSeconds(20));
    assertThat(api.stats().requests()).isZero();
    StepVerifier.create(client.listTokens()).verifyComplete();
    client.closeLater().block(Duration.ofSeconds(10));
    StepVerifier.create(client.warmup()).expectError(IllegalStateException.class).verify();
  }

  @Test
  void warmupWithConnectionsOpensThemAheadAndTheFirstCallsReuseThem() {
    // Each introspection is answered after 300 ms, so the four overlap as they would over a real
    // network; answered at once on loopback, a later one may reuse a connection an earlier one has
    // just returned (warmup opens up to n).
    api.replaceFaults(
        FaultPlan.builder()
            .delay(Duration.ofMillis(300))
            .random(FaultPlan.Target.CURRENT, FaultKind.DELAY, 1.0)
            .build());
    try (ReactiveTokenClient client = countingConnections()) {
      StepVerifier.create(client.warmup(4)).expectComplete().verify(Duration.ofSeconds(20));
      api.replaceFaults(FaultPlan.none());
      assertThat(connections).hasValue(4);
      assertThat(api.stats().requests()).isEqualTo(4); // one introspection per connection
      assertThat(api.stats().tokensCreated()).isZero();

      StepVerifier.create(
              Flux.range(0, 4)
                  .flatMap(i -> client.createToken(CreateTokenRequest.of("warm " + i)), 4)
                  .count())
          .expectNext(4L)
          .verifyComplete();
      assertThat(connections).as("no handshake left for the first calls").hasValue(4);
    }
  }

  @Test
  void anErrorAnswerStillCountsAsAnOpenedConnection() {
    try (ReactiveTokenClient client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken("dyn_notTheFakesToken")
            .build()) {
      // 401 for every introspection: the connections are open all the same.
      StepVerifier.create(client.warmup(2)).expectComplete().verify(Duration.ofSeconds(20));
      assertThat(api.stats().status(401)).isEqualTo(2);
    }
  }

  @Test
  void anUndecodableAnswerCountsButNoAnswerFailsTheWarmup() throws Exception {
    try (mockwebserver3.MockWebServer server = Fixtures.startServer()) {
      server.enqueue(Fixtures.json(200, "<html>not the API</html>"));
      try (ReactiveTokenClient client = Fixtures.clientFor(server).build()) {
        StepVerifier.create(client.warmup(1)).expectComplete().verify(Duration.ofSeconds(20));
      }
    }
    try (mockwebserver3.MockWebServer silent = Fixtures.startServer()) {
      silent.enqueue(
          new mockwebserver3.MockResponse.Builder()
              .onResponseStart(mockwebserver3.SocketEffect.Stall.INSTANCE)
              .build());
      try (ReactiveTokenClient client =
          Fixtures.clientFor(silent).responseTimeout(Duration.ofMillis(300)).build()) {
        StepVerifier.create(client.warmup(1))
            .expectError(ResponseTimeoutException.class)
            .verify(Duration.ofSeconds(20));
      }
    }
  }

  @Test
  void aTransportFailureFailsTheWarmupTyped() {
    int port = api.port();
    api.close();
    try (ReactiveTokenClient client =
        ReactiveTokenClient.builder()
            .baseUrl("http://127.0.0.1:" + port + "/api/v0")
            .apiToken("dyn_x")
            .build()) {
      StepVerifier.create(client.warmup(2))
          .expectError(ConnectionFailedException.class)
          .verify(Duration.ofSeconds(20));
    }
  }

  @Test
  void warmupRefusesAConnectionCountOutOfRange() {
    try (ReactiveTokenClient client =
        ReactiveTokenClient.builder().baseUrl(api.baseUrl()).apiToken(api.apiToken()).build()) {
      assertThatThrownBy(() -> client.warmup(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("connections must be 1 to 10000 but was 0");
    }
  }
}
