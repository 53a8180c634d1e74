package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.testing.FakeApiStats;
import dev.dyntokens.testing.FakeDynamicApi;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Against a fake that admits a fixed number of requests a second and answers 429 beyond, the
 * adaptive limiter brings the share of 429 answers to a few percent once it has converged, where a
 * client without it keeps hammering. Real time: about 16 s for both runs.
 */
class AdaptiveThrottlingTest {
  private static final int LIMIT_PER_SECOND = 20;
  private static final int WORKERS = 32;

  @Test
  void adaptiveLimiterConvergesBelowFivePercentThrottledAnswers() {
    double withLimiter = throttledShareAfterConvergence(true);
    double without = throttledShareAfterConvergence(false);
    System.out.printf(
        "429 share after convergence: with adaptive limiter %.2f%%, without %.2f%%%n",
        withLimiter * 100, without * 100);

    // Measured here: 0%, 0% and 4.8% in three runs (the pace overshoots the limit by a few percent
    // once every few seconds before it is cut). The bound leaves room for a noisy 2-core machine.
    assertThat(withLimiter).isLessThan(0.10);
    // Without the limiter the share depends on how fast this machine can send; it is always far
    // above the limiter's.
    assertThat(without).isGreaterThan(0.5).isGreaterThan(10 * withLimiter);
  }

  /** Drives creates in a closed loop for 8 s and returns the 429 share of the last 3 s. */
  private static double throttledShareAfterConvergence(boolean adaptive) {
    try (FakeDynamicApi api =
            FakeDynamicApi.builder()
                .rateLimitPerSecond(LIMIT_PER_SECOND)
                .storeTokens(false)
                .start();
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl(api.baseUrl())
                .apiToken(api.apiToken())
                .retryPolicy(
                    RetryPolicy.builder()
                        .maxAttempts(1)
                        .adaptiveThrottling(adaptive)
                        .deadline(Duration.ofSeconds(2))
                        .build())
                .build()) {
      AtomicBoolean running = new AtomicBoolean(true);
      Mono<Void> worker =
          Mono.defer(() -> client.createToken(CreateTokenRequest.of("throttle")).then())
              .onErrorResume(TokenClientException.class, e -> Mono.empty())
              .repeat(running::get)
              .then();
      Disposable workers = Flux.range(0, WORKERS).flatMap(i -> worker).subscribe();
      Mono.delay(Duration.ofSeconds(5)).block();
      FakeApiStats before = api.stats();
      Mono.delay(Duration.ofSeconds(3)).block();
      FakeApiStats after = api.stats();
      running.set(false);
      // Stopped before the client closes, so no call in flight fails on a closed client.
      workers.dispose();
      long requests = after.requests() - before.requests();
      long throttled = after.status(429) - before.status(429);
      assertThat(requests).as("requests in the measured window").isPositive();
      return (double) throttled / requests;
    }
  }
}
