package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A {@code Retry-After} of 0 or a date in the past is no reason for every throttled caller to
 * return at the same instant: the retry waits at least the throttled floor, as without one.
 */
class RetryAfterSpreadTest extends MockServerTest {
  private static final Duration FLOOR = Duration.ofMillis(400);

  /** How long a list answered 429 with this {@code Retry-After}, then 200, takes in all. */
  private Duration callTime(String retryAfter) {
    client.close();
    client =
        Fixtures.clientFor(server)
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .throttledBackoff(FLOOR)
                    .noRetryBudget()
                    .adaptiveThrottling(false)
                    .build())
            .build();
    server.enqueue(
        Fixtures.json(429, "{\"message\":\"Rate limit exceeded\",\"code\":429}")
            .newBuilder()
            .setHeader("Retry-After", retryAfter)
            .build());
    server.enqueue(Fixtures.json(200, Fixtures.LIST_BODY));

    long start = System.nanoTime();
    client.listTokens().collectList().block(Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(server.getRequestCount()).isEqualTo(2);
    return took;
  }

  // A lower bound only: a wait on a timer cannot end early, however loaded the machine.
  @Test
  void aRetryAfterOfZeroStillWaitsTheThrottledFloor() {
    assertThat(callTime("0")).isGreaterThanOrEqualTo(FLOOR);
  }

  @Test
  void aRetryAfterDateInThePastStillWaitsTheThrottledFloor() {
    assertThat(callTime("Wed, 21 Oct 2015 07:28:00 GMT")).isGreaterThanOrEqualTo(FLOOR);
  }
}
