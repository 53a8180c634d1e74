package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.testing.FakeDynamicApi;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/** {@code warmup()}: completes, opens no connection, sends nothing, and calls after it work. */
@Timeout(60)
class WarmupTest {
  private final FakeDynamicApi api = FakeDynamicApi.builder().start();
  private final ConnectionProvider pool = ConnectionProvider.create("warmup-test", 4);

  @AfterEach
  void close() {
    pool.dispose();
    api.close();
  }

  @Test
  void warmsUpWithoutConnectingOrSendingThenCallsWork() {
    AtomicInteger connections = new AtomicInteger();
    HttpClient counting =
        HttpClient.create(pool)
            .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet());
    try (ReactiveTokenClient client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .httpClient(counting)
            .build()) {
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
}
