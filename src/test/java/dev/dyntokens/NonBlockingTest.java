package dev.dyntokens;

import static dev.dyntokens.Fixtures.created;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BlockHound is installed for every test; these show it is active and the client passes it. */
class NonBlockingTest {
  @Test
  void blockHoundCatchesABlockingCallOnANonBlockingThread() {
    StepVerifier.create(
            Mono.fromCallable(
                    () -> {
                      Thread.sleep(1);
                      return 1;
                    })
                .subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theOneAllowedAllocatorLockStillNamesARealNettyMethod() throws Exception {
    // NettyLeakAndBlockingCheck allows this method by name; if a Netty upgrade renames it, the
    // allowance would silently match nothing and the soak would turn flaky again.
    Class<?> magazine = Class.forName("io.netty.buffer.AdaptivePoolingAllocator$Magazine");
    assertThat(magazine.getDeclaredMethod("free")).isNotNull();
  }

  @Test
  void callsSubscribedFromNonBlockingThreadsNeverBlock() throws Exception {
    try (MockWebServer server = Fixtures.startServer();
        ReactiveTokenClient client = Fixtures.clientFor(server).build()) {
      for (int i = 0; i < 20; i++) {
        server.enqueue(created());
      }
      server.enqueue(Fixtures.json(200, Fixtures.LIST_BODY));
      server.enqueue(new mockwebserver3.MockResponse.Builder().code(204).build());

      StepVerifier.create(
              Flux.range(0, 20)
                  .flatMap(
                      i ->
                          client
                              .createToken(CreateTokenRequest.of("nb " + i))
                              .subscribeOn(Schedulers.parallel()))
                  .count())
          .expectNext(20L)
          .verifyComplete();
      StepVerifier.create(client.listTokens().subscribeOn(Schedulers.parallel()).count())
          .assertNext(n -> assertThat(n).isEqualTo(2))
          .verifyComplete();
      StepVerifier.create(client.deleteToken(Fixtures.TOKEN_ID).subscribeOn(Schedulers.parallel()))
          .verifyComplete();
    }
  }
}
