package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The call's deadline bounds everything the call does, from subscription: the first attempt, every
 * retry and wait, and in reconcile mode every list and delete made to clean up. A call that runs
 * out of time says so; it is never reported as an HTTP answer the server did not give.
 */
class CallDeadlineTest {
  /** Room for a loaded 2-core machine beyond the deadline itself. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  private static RetryPolicy reconciling(Duration deadline) {
    return RetryPolicy.builder()
        .reconcileCreates(true)
        .maxAttempts(3)
        .deadline(deadline)
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(50))
        .build();
  }

  private static FakeDynamicApi slowServer(Duration delay) {
    FaultPlan faults =
        FaultPlan.builder()
            .delay(delay)
            .random(FaultPlan.Target.CREATE, FaultKind.DELAY, 1.0)
            .random(FaultPlan.Target.LIST, FaultKind.DELAY, 1.0)
            .build();
    return FakeDynamicApi.builder().faults(faults).start();
  }

  /** Runs the create and returns its failure, checking how long it took. */
  private static Throwable failureWithin(
      ReactiveTokenClient client, Duration deadline, Duration slack) {
    long start = System.nanoTime();
    Throwable failure =
        client
            .createToken(CreateTokenRequest.of("deadline probe"))
            .map(t -> (Throwable) new AssertionError("unexpected token"))
            .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
            .block(Duration.ofSeconds(60));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took)
        .as("call time against a deadline of %s", deadline)
        .isLessThan(deadline.plus(slack));
    return failure;
  }

  private static List<Throwable> withSuppressed(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    all.add(e);
    for (Throwable s : e.getSuppressed()) {
      all.add(s);
    }
    return all;
  }

  @Test
  void aReconciledCreateEndsWithinItsDeadlineWhenCreatesAndListsAnswerTooLate() {
    Duration deadline = Duration.ofSeconds(3);
    try (FakeDynamicApi api = slowServer(Duration.ofSeconds(3));
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl(api.baseUrl())
                .apiToken(api.apiToken())
                .responseTimeout(Duration.ofMillis(500))
                .retryPolicy(reconciling(deadline))
                .build()) {
      Throwable failure = failureWithin(client, deadline, SLACK);

      assertThat(failure).isInstanceOf(TokenClientException.class);
      assertThat(withSuppressed(failure))
          .as("no answer was a 429: nothing may say so")
          .noneMatch(e -> e instanceof RateLimitedException)
          .noneMatch(e -> e instanceof DynamicApiException);
      assertThat(TokenMayExistException.in(failure))
          .as("the creates were cut off unconfirmed: the caller is told")
          .isPresent();
    }
  }

  @Test
  void aReconciledCreateAgainstAServerThatNeverAnswersEndsAtItsDeadline() {
    Duration deadline = Duration.ofSeconds(2);
    try (FakeDynamicApi api = slowServer(Duration.ofMinutes(5));
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl(api.baseUrl())
                .apiToken(api.apiToken())
                .retryPolicy(reconciling(deadline))
                .build()) {
      Throwable failure = failureWithin(client, deadline, SLACK);

      assertThat(failure).isInstanceOf(DeadlineExceededException.class);
      assertThat(((TokenClientException) failure).requestMayHaveBeenProcessed()).isTrue();
      assertThat(TokenMayExistException.in(failure)).isPresent();
    }
  }

  @Test
  void theFirstAttemptWaitingForABusySharedPoolEndsAtTheDeadline() throws InterruptedException {
    // A caller's pool of one connection with Reactor Netty's long default acquire wait, held by
    // another request that does not end: the create can only wait for the pool. (A connect timeout
    // set on the client would change the HttpClient's options and so its pool key.)
    ConnectionProvider pool =
        ConnectionProvider.builder("one")
            .maxConnections(1)
            .pendingAcquireTimeout(Duration.ofSeconds(45))
            .build();
    // Longer than the client's own timeouts added up (connect 5 s, 5 s, response 10 ms): a bound
    // made of those would let the wait for the pool run on.
    Duration deadline = Duration.ofSeconds(11);
    try (FakeDynamicApi api = slowServer(Duration.ofMinutes(5))) {
      HttpClient shared = HttpClient.create(pool);
      java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
      reactor.core.Disposable holder =
          shared
              .headers(h -> h.set("Authorization", "Bearer " + api.apiToken()))
              .doAfterRequest((request, connection) -> holding.countDown())
              .get()
              .uri(api.baseUrl() + "/user/tokens")
              .responseContent()
              .subscribe(b -> {}, e -> {});
      assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      try (ReactiveTokenClient client =
          ReactiveTokenClient.builder()
              .baseUrl(api.baseUrl())
              .apiToken(api.apiToken())
              .httpClient(shared)
              .responseTimeout(Duration.ofMillis(10))
              .retryPolicy(RetryPolicy.builder().maxAttempts(1).deadline(deadline).build())
              .build()) {
        Throwable failure = failureWithin(client, deadline, SLACK);

        assertThat(failure).isInstanceOf(DeadlineExceededException.class);
        assertThat(((TokenClientException) failure).requestMayHaveBeenProcessed())
            .as("the request never left the pool")
            .isFalse();
        assertThat(TokenMayExistException.in(failure)).isEmpty();
      } finally {
        holder.dispose();
      }
    } finally {
      pool.dispose();
    }
  }
}
