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
 * client without it keeps hammering. Real time: about 17 s for both runs.
 */
class AdaptiveThrottlingTest {
  private static final int LIMIT_PER_SECOND = 20;
  private static final int WORKERS = 32;

  @Test
  void adaptiveLimiterKeepsThrottledAnswersToAFewPercentOnceConverged() {
    Window withLimiter =
        throttledAfterConvergence(true, Duration.ofSeconds(5), Duration.ofSeconds(6));
    Window without = throttledAfterConvergence(false, Duration.ofSeconds(2), Duration.ofSeconds(2));
    System.out.printf(
        "429 share after convergence: with adaptive limiter %s, without %s%n",
        withLimiter, without);

    // Measured here: 0 % in most runs, up to 5 % when the pace overshoots the limit before a cut.
    // The fake's windows are fixed seconds, so a stall of this machine that straddles a window's
    // end moves that stall's paced sends into the next window, where each is one 429: one 300 ms
    // stall is 6 of them. A 3 s window once read 9.84 % on a loaded machine; over 6 s (about 120
    // requests) one such stall stays near 5 %, and the bound leaves room for a second one.
    assertThat(withLimiter.share()).as("429 share with the limiter").isLessThan(0.10);
    // Without the limiter the share depends on how fast this machine can send; it is always far
    // above the limiter's bound (99 % here).
    assertThat(without.share()).as("429 share without the limiter").isGreaterThan(0.5);
  }

  /** What the fake answered in the measured window. */
  private record Window(long requests, long throttled) {
    double share() {
      return (double) throttled / requests;
    }

    @Override
    public String toString() {
      return String.format("%.2f%% (%d of %d)", share() * 100, throttled, requests);
    }
  }

  /** Drives creates in a closed loop, then counts the 429s of the {@code measured} window. */
  private static Window throttledAfterConvergence(
      boolean adaptive, Duration converge, Duration measured) {
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
      Mono.delay(converge).block();
      FakeApiStats before = api.stats();
      Mono.delay(measured).block();
      FakeApiStats after = api.stats();
      running.set(false);
      // Stopped before the client closes, so no call in flight fails on a closed client.
      workers.dispose();
      long requests = after.requests() - before.requests();
      long throttled = after.status(429) - before.status(429);
      assertThat(requests).as("requests in the measured window").isPositive();
      return new Window(requests, throttled);
    }
  }
}
