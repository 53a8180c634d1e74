package dev.dyntokens.internal;

import dev.dyntokens.NotFoundException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ResponseTimeoutException;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.ServerErrorException;
import dev.dyntokens.TokenClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one logical call as attempts under a {@link RetryPolicy}: decides per failure whether
 * another attempt is safe and useful, waits with jittered backoff or the server's {@code
 * Retry-After} on Reactor timers, keeps the call inside its deadline, draws on the client's {@link
 * RetryBudget} and feeds the {@link AdaptiveLimiter}.
 */
final class Retrier {
  /** What an operation allows after a failure that may have been processed. */
  enum Kind {
    /** List: repeating it changes nothing. */
    IDEMPOTENT("list"),
    /** Delete: repeating it is safe, and a 404 after an ambiguous attempt means it worked. */
    DELETE("delete"),
    /** Create: repeating it after an ambiguous failure could make a second token. */
    CREATE("create");

    /** The operation's name in metrics. */
    final String operation;

    Kind(String operation) {
      this.operation = operation;
    }
  }

  /** What a create call adds: reconciling before a retry, and the facts for the caller. */
  interface CreateHooks {
    /** Deletes any token this call made but could not deliver; null when not reconciling. */
    @Nullable Mono<Void> reconcile();

    /** The note for the caller about a token that may exist. */
    TokenClientException mayExist(long startMillis, long endMillis);
  }

  /** The error code of a {@link RateLimitedException} raised by the client's own pacing. */
  static final String CLIENT_PACED = "client_paced";

  /** The share of a second's attempts that must be 429 before the client paces itself. */
  static final double MIN_THROTTLED_SHARE = 0.05;

  private final RetryPolicy policy;
  private final RetryBudget budget;
  private final AdaptiveLimiter limiter;
  private final long firstAttemptBoundMillis;
  private final Telemetry telemetry;

  /**
   * @param firstAttemptBoundMillis how long one attempt can take at most by its own timeouts
   *     (connect, pool acquire, response); the first attempt needs a deadline timer only if that is
   *     longer than the call's deadline
   */
  Retrier(RetryPolicy policy, long firstAttemptBoundMillis) {
    this(policy, firstAttemptBoundMillis, Telemetry.NONE);
  }

  Retrier(RetryPolicy policy, long firstAttemptBoundMillis, Telemetry telemetry) {
    this.telemetry = telemetry;
    this.policy = policy;
    this.budget =
        new RetryBudget(policy.budgetRatio(), policy.budgetMinPerSecond(), policy.budgetEnabled());
    this.limiter = new AdaptiveLimiter(policy.adaptiveThrottling());
    this.firstAttemptBoundMillis = firstAttemptBoundMillis;
  }

  AdaptiveLimiter limiter() {
    return limiter;
  }

  static long now() {
    return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
  }

  <T> Mono<T> run(
      Mono<T> attempt, Kind kind, String description, @Nullable CreateHooks createHooks) {
    return Mono.defer(
        () -> {
          long start = now();
          Call call = new Call(start, start + policy.deadline().toMillis());
          budget.onCall(start);
          Mono<T> paced = pacedAttempt(attempt, call, description, kind);
          Mono<T> withRetries =
              policy.maxAttempts() == 1 && createHooks == null
                  ? paced.onErrorMap(
                      e -> {
                        observeThrottle(e);
                        return finalFailure(e, call);
                      })
                  : withRetries(paced, kind, call, createHooks);
          if (kind == Kind.DELETE) {
            // The first attempt may have deleted it: a 404 afterwards is the outcome we wanted.
            return withRetries.onErrorResume(
                e -> e instanceof NotFoundException && call.sawAmbiguous, e -> Mono.empty());
          }
          return withRetries;
        });
  }

  /**
   * The attempt, and after each failure the decision and the next attempt. Plain {@code
   * onErrorResume} rather than {@code retryWhen}: a call that succeeds first time (almost all) then
   * pays for one operator, not for a companion sink and its subscribers. Each retry subscribes from
   * a timer's thread, so the nesting never deepens one stack.
   */
  private <T> Mono<T> withRetries(
      Mono<T> paced, Kind kind, Call call, @Nullable CreateHooks createHooks) {
    return paced.onErrorResume(
        failure ->
            decide(failure, call.attempts, kind, call, createHooks)
                .then(Mono.defer(() -> withRetries(paced, kind, call, createHooks))));
  }

  /** One attempt: waits for the limiter's slot, and bounds retries by what is left of the call. */
  private <T> Mono<T> pacedAttempt(Mono<T> attempt, Call call, String description, Kind kind) {
    return Mono.defer(
        () -> {
          long now = now();
          long remaining = call.deadline - now;
          int number = ++call.attempts;
          long wait = limiter.reserveMillis(now, remaining);
          if (wait >= remaining) {
            return Mono.error(
                new RateLimitedException(
                    CLIENT_PACED,
                    "the client's own pacing after earlier 429s would delay this call past its"
                        + " deadline ("
                        + wait
                        + " ms wait, "
                        + Math.max(0, remaining)
                        + " ms left)",
                    description,
                    Duration.ofMillis(wait)));
          }
          budget.onSent(now + wait);
          Mono<T> bounded = attempt;
          if (number > 1 || firstAttemptBoundMillis + wait > remaining) {
            bounded =
                attempt.timeout(
                    Duration.ofMillis(remaining - wait),
                    Mono.error(() -> deadlineExceeded(description, call)));
          }
          if (wait <= 0) {
            return bounded;
          }
          telemetry.paced(kind.operation, wait);
          return Mono.delay(Duration.ofMillis(wait)).then(bounded);
        });
  }

  private TokenClientException deadlineExceeded(String description, Call call) {
    return new ResponseTimeoutException(
        description
            + " did not finish within the call's deadline of "
            + policy.deadline().toMillis()
            + " ms ("
            + call.attempts
            + " attempts)",
        null);
  }

  private Mono<Long> decide(
      Throwable failure,
      long attemptNumber,
      Kind kind,
      Call call,
      @Nullable CreateHooks createHooks) {
    call.addFailure(failure);
    if (!(failure instanceof TokenClientException)) {
      return Mono.error(finalFailure(failure, call));
    }
    TokenClientException e = (TokenClientException) failure;
    boolean ambiguous = e.requestMayHaveBeenProcessed();
    call.sawAmbiguous |= ambiguous;
    long now = now();
    observeThrottle(e);
    Mono<Void> reconcile = Mono.empty();
    if (kind == Kind.CREATE && ambiguous && createHooks != null) {
      Mono<Void> r = createHooks.reconcile();
      if (r == null) {
        // Without reconciling, repeating an ambiguous create could orphan a live token.
        failure.addSuppressed(createHooks.mayExist(call.start, now));
        return Mono.error(finalFailure(failure, call));
      }
      reconcile =
          r.onErrorMap(
              reconcileFailure -> {
                failure.addSuppressed(reconcileFailure);
                failure.addSuppressed(createHooks.mayExist(call.start, now()));
                return finalFailure(failure, call);
              });
    }
    // An ambiguous create reaches this point only when reconciling makes its retry safe.
    Duration wait =
        e.retryable() && attemptNumber < policy.maxAttempts() ? waitBefore(e, attemptNumber) : null;
    if (wait == null || wait.toMillis() >= call.deadline - now) {
      return reconcile.then(Mono.error(() -> finalFailure(failure, call)));
    }
    if (!budget.tryRetry(now)) {
      telemetry.budgetRefused(kind.operation);
      return reconcile.then(Mono.error(() -> finalFailure(failure, call)));
    }
    telemetry.retry(kind.operation, failure);
    return reconcile.then(Mono.delay(wait));
  }

  /** Feeds a server's 429 to the limiter, seeded with the rate the server accepted. */
  private void observeThrottle(Throwable e) {
    if (e instanceof RateLimitedException
        && !CLIENT_PACED.equals(((RateLimitedException) e).errorCode())) {
      long now = now();
      budget.onThrottled(now);
      // Sparse 429s (a blip, injected faults) are left to the backoff: pacing on them would cut
      // the rate of a client that is nowhere near the server's limit.
      long accepted = budget.acceptedPerSecond(now);
      if (accepted >= 0 && budget.throttledShare(now) >= MIN_THROTTLED_SHARE) {
        limiter.onThrottle(now, accepted);
      }
    }
  }

  /**
   * The wait before the next attempt, or null if the server asked for longer than the policy
   * allows.
   */
  @Nullable Duration waitBefore(TokenClientException e, long attemptNumber) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Duration retryAfter = retryAfter(e);
    if (retryAfter != null) {
      if (retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
        return null;
      }
      // At least what the server asked, plus up to 10% so that many clients do not return at once.
      long ms = retryAfter.toMillis();
      return Duration.ofMillis(ms + random.nextLong(ms / 10 + 1));
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

  /** The last failure, with the earlier ones of the call attached as suppressed. */
  private static Throwable finalFailure(Throwable last, Call call) {
    for (Throwable earlier : call.failures()) {
      if (earlier != last) {
        last.addSuppressed(earlier);
      }
    }
    return last;
  }

  /** The state of one logical call; touched by one signal at a time. */
  private static final class Call {
    final long start;
    final long deadline;
    // Allocated on the first failure only: most calls never fail.
    private @Nullable List<Throwable> failures;
    int attempts;
    boolean sawAmbiguous;

    void addFailure(Throwable failure) {
      if (failures == null) {
        failures = new ArrayList<>(2);
      }
      failures.add(failure);
    }

    List<Throwable> failures() {
      return failures == null ? List.of() : failures;
    }

    Call(long start, long deadline) {
      this.start = start;
      this.deadline = deadline;
    }
  }
}
