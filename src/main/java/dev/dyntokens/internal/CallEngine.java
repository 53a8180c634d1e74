package dev.dyntokens.internal;

import dev.dyntokens.ClientPacingException;
import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.DeadlineExceededException;
import dev.dyntokens.NotFoundException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.ServerErrorException;
import dev.dyntokens.TokenClientException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one logical call: one deadline over everything it does, attempts under its {@link
 * RetryPolicy}, a decision per failure whether another attempt is safe and useful, jittered backoff
 * or the server's {@code Retry-After} on Reactor timers, the client's {@link RetryBudget} and
 * {@link AdaptiveLimiter}, and the call's {@link CreateSafety}. Each attempt is one {@link
 * Exchange}.
 */
final class CallEngine {
  /** Makes the attempts of one call; given the call's state so an exchange can record a write. */
  @FunctionalInterface
  interface Attempts<T> {
    Mono<T> attempt(CallState state);
  }

  /** Runs one exchange of a call: {@link Exchange}, or a scripted stand-in in tests. */
  interface Exchanges {
    <T> Mono<T> run(Call<T> call, CallState state);

    /**
     * The exchange, sending the headers telemetry gave {@code request} and telling it the answer's
     * status; {@code request} is null when telemetry is off.
     */
    default <T> Mono<T> run(Call<T> call, CallState state, @Nullable AttemptRequest request) {
      return run(call, state);
    }
  }

  /** For a call with no outer call whose deadline it must also meet. */
  static final long NO_OUTER_DEADLINE = Long.MAX_VALUE;

  /** The share of a second's attempts that must be 429 before the client paces itself. */
  static final double MIN_THROTTLED_SHARE = 0.05;

  private final Exchanges exchanges;
  private final RetryBudget budget;
  private final AdaptiveLimiter limiter;
  private final ClientTelemetry telemetry;
  private final DeadlineTimer deadlines;

  /**
   * @param clientPolicy the client's policy, for what is shared by all its calls: the retry budget
   *     and the adaptive limiter
   * @param deadlines the timer of the calls' deadlines
   */
  CallEngine(
      Exchanges exchanges,
      RetryPolicy clientPolicy,
      ClientTelemetry telemetry,
      DeadlineTimer deadlines) {
    this(
        exchanges,
        new RetryBudget(
            clientPolicy.budgetRatio(),
            clientPolicy.budgetMinPerSecond(),
            clientPolicy.budgetEnabled()),
        new AdaptiveLimiter(clientPolicy.adaptiveThrottling()),
        telemetry,
        deadlines);
  }

  CallEngine(
      Exchanges exchanges,
      RetryBudget budget,
      AdaptiveLimiter limiter,
      ClientTelemetry telemetry,
      DeadlineTimer deadlines) {
    this.exchanges = exchanges;
    this.budget = budget;
    this.limiter = limiter;
    this.telemetry = telemetry;
    this.deadlines = deadlines;
  }

  static long now() {
    return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
  }

  /** Runs a list or delete as one exchange per attempt, observed as a call of its own. */
  <T> Mono<T> execute(Call<T> call, long outerDeadline) {
    return telemetry.observeCall(
        call.observed,
        run(call, state -> exchange(call, state), CreateSafety.IDEMPOTENT, outerDeadline));
  }

  /**
   * One attempt of {@code call}: one exchange. Without telemetry nothing is made for it: the plain
   * path costs what it did before attempts could be observed.
   */
  <T> Mono<T> exchange(Call<T> call, CallState state) {
    if (telemetry == ClientTelemetry.NONE) {
      return exchanges.run(call, state, null);
    }
    AttemptRequest request = new AttemptRequest(call.observed, state.attempts);
    return telemetry.observeAttempt(request, exchanges.run(call, state, request));
  }

  /**
   * Runs {@code call} to its end: its attempts, its waits and its create safety, all within its
   * deadline (and {@code outerDeadline}, on {@link #now()}'s clock, when it cleans up for another
   * call).
   */
  <T> Mono<T> run(Call<T> call, Attempts<T> attempts, CreateSafety safety, long outerDeadline) {
    return Mono.defer(
        () -> {
          long start = now();
          long deadline = Math.min(outerDeadline, start + call.policy.deadline().toMillis());
          CallState state = new CallState(start, deadline);
          budget.onCall(start);
          Mono<T> paced = Mono.defer(() -> pacedAttempt(call, attempts, state));
          Mono<T> all =
              call.policy.maxAttempts() == 1 && !call.operation.isCreate()
                  ? paced.onErrorMap(e -> finalFailure(observeThrottle(e), state, safety))
                  : withRetries(paced, call, state, safety);
          // The one timer of the call: no attempt, wait or clean-up outlives the deadline.
          Mono<T> bounded =
              all.timeout(
                  Duration.ofMillis(Math.max(0, deadline - start)),
                  Mono.error(() -> finalFailure(deadlineExceeded(call, state), state, safety)),
                  deadlines);
          if (call.operation.isDelete()) {
            // The first attempt may have deleted it: a 404 afterwards is the outcome we wanted.
            return bounded.onErrorResume(
                e -> e instanceof NotFoundException && state.sawAmbiguous, e -> Mono.empty());
          }
          return bounded;
        });
  }

  /**
   * The attempt, and after each failure the decision and the next attempt. Plain {@code
   * onErrorResume} rather than {@code retryWhen}: a call that succeeds first time (almost all) then
   * pays for one operator, not for a companion sink and its subscribers. Each retry subscribes from
   * a timer's thread, so the nesting never deepens one stack.
   */
  private <T> Mono<T> withRetries(
      Mono<T> paced, Call<T> call, CallState state, CreateSafety safety) {
    return paced.onErrorResume(
        failure ->
            decide(failure, call, state, safety)
                .then(Mono.defer(() -> withRetries(paced, call, state, safety))));
  }

  /** One attempt, after the limiter's wait if the client is pacing itself. */
  private <T> Mono<T> pacedAttempt(Call<T> call, Attempts<T> attempts, CallState state) {
    long now = now();
    long remaining = state.deadline - now;
    state.attempts++;
    state.written = false;
    long wait = limiter.reserveMillis(now, remaining);
    if (wait > 0 && wait >= remaining) {
      return Mono.error(
          new ClientPacingException(
              call.description, Duration.ofMillis(wait), Duration.ofMillis(remaining)));
    }
    budget.onSent(now + wait);
    Mono<T> attempt = attempts.attempt(state);
    if (wait <= 0) {
      return attempt;
    }
    telemetry.paced(call.operation.telemetryName, Duration.ofMillis(wait));
    return Mono.delay(Duration.ofMillis(wait)).then(attempt);
  }

  private DeadlineExceededException deadlineExceeded(Call<?> call, CallState state) {
    return new DeadlineExceededException(
        call.description
            + " did not finish within the call's deadline of "
            + (state.deadline - state.start)
            + " ms ("
            + state.attempts
            + (state.attempts == 1 ? " attempt" : " attempts")
            + (state.written ? ", the last cut off after its request was written" : "")
            + ")",
        null,
        state.mayHaveBeenProcessed());
  }

  /** Completes when the next attempt may start, or fails with the call's final failure. */
  private Mono<Void> decide(Throwable failure, Call<?> call, CallState state, CreateSafety safety) {
    observeThrottle(failure);
    state.addFailure(failure);
    if (!(failure instanceof TokenClientException)
        || failure instanceof ClientPacingException
        || failure instanceof DeadlineExceededException) {
      return Mono.error(finalFailure(failure, state, safety));
    }
    TokenClientException e = (TokenClientException) failure;
    boolean ambiguous = e.requestMayHaveBeenProcessed();
    state.written = false;
    state.sawAmbiguous |= ambiguous;
    Mono<Void> settle = ambiguous ? safety.beforeRetry(e, state) : Mono.empty();
    return settle
        .onErrorMap(
            settleFailure -> {
              if (settleFailure != e) {
                e.addSuppressed(settleFailure);
              }
              return finalFailure(e, state, safety);
            })
        .then(Mono.defer(() -> waitForRetry(e, call, state, safety)));
  }

  /** The wait before the next attempt, decided on the clock as it is after any clean-up. */
  private Mono<Void> waitForRetry(
      TokenClientException e, Call<?> call, CallState state, CreateSafety safety) {
    long now = now();
    Duration wait =
        e.retryable() && state.attempts < call.policy.maxAttempts()
            ? waitBefore(e, state.attempts, call.policy)
            : null;
    if (wait == null || wait.toMillis() >= state.deadline - now) {
      return Mono.error(finalFailure(e, state, safety));
    }
    String operation = call.operation.telemetryName;
    if (!budget.tryRetry(now)) {
      telemetry.retryRefusedByBudget(operation);
      return Mono.error(finalFailure(e, state, safety));
    }
    telemetry.retried(operation, e);
    return Mono.delay(wait).then();
  }

  /** Feeds a server's 429 to the limiter, seeded with the rate the server accepted. */
  private Throwable observeThrottle(Throwable e) {
    if (e instanceof RateLimitedException) {
      long now = now();
      budget.onThrottled(now);
      // Sparse 429s (a blip, injected faults) are left to the backoff: pacing on them would cut
      // the rate of a client that is nowhere near the server's limit.
      long accepted = budget.acceptedPerSecond(now);
      if (accepted >= 0 && budget.throttledShare(now) >= MIN_THROTTLED_SHARE) {
        limiter.onThrottle(now, accepted);
      }
    }
    return e;
  }

  /**
   * The wait before attempt {@code attemptNumber + 1}, or null if the server asked for longer than
   * the policy allows. A {@code Retry-After} of 0, a date in the past, or one below the throttled
   * floor is no reason to return at once: every client throttled at the same moment would return at
   * the same instant, so the wait is then what it would be without one.
   */
  static @Nullable Duration waitBefore(
      TokenClientException e, long attemptNumber, RetryPolicy policy) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Duration retryAfter = retryAfter(e);
    if (retryAfter != null) {
      if (retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
        return null;
      }
      long ms = retryAfter.toMillis();
      long floor = isThrottle(e) ? policy.throttledBackoff().toMillis() : 1;
      if (ms >= floor) {
        // At least what the server asked, plus up to 10% so that many clients do not return at
        // once.
        return Duration.ofMillis(ms + random.nextLong(ms / 10 + 1));
      }
    }
    long shift = Math.min(attemptNumber - 1, 20);
    if (isThrottle(e)) {
      long floor = policy.throttledBackoff().toMillis();
      long cap = Math.max(floor, Math.min(policy.maxRetryAfter().toMillis(), floor << shift));
      return Duration.ofMillis(floor + random.nextLong(cap - floor + 1));
    }
    long cap =
        Math.min(policy.maxBackoff().toMillis(), policy.initialBackoff().toMillis() << shift);
    return Duration.ofMillis(random.nextLong(cap + 1));
  }

  private static @Nullable Duration retryAfter(TokenClientException e) {
    if (e instanceof RateLimitedException) {
      return ((RateLimitedException) e).retryAfter().orElse(null);
    }
    if (e instanceof ServerErrorException) {
      return ((ServerErrorException) e).retryAfter().orElse(null);
    }
    return null;
  }

  /**
   * Only a 429 says "slow down"; a 503 without {@code Retry-After} is an outage like a 502 and gets
   * the ordinary backoff.
   */
  private static boolean isThrottle(TokenClientException e) {
    return e instanceof RateLimitedException;
  }

  /**
   * The last failure, with the earlier ones of the call attached as suppressed and what the create
   * safety adds.
   */
  private static Throwable finalFailure(Throwable last, CallState state, CreateSafety safety) {
    for (Throwable earlier : state.failures()) {
      if (earlier != last) {
        last.addSuppressed(earlier);
      }
    }
    safety.onFinalFailure(last, state);
    return last;
  }
}
