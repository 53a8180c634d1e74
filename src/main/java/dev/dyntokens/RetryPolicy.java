package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When and how the client tries a failed call again. An immutable value; the client's default is
 * {@link #defaults()}.
 *
 * <p>What is retried depends on what the failure says about the server (see {@link
 * TokenClientException#retryable()} and {@link
 * TokenClientException#requestMayHaveBeenProcessed()}):
 *
 * <ul>
 *   <li>Never: 400, 401, 403, 404, 422 and every decoding or integrity failure.
 *   <li>Always (the server did not act): connection refused, DNS or TLS failure, pool acquire
 *       timeout, connection closed before the request was written, 429 and 503.
 *   <li>Only for list and delete (the request may have been processed): response timeout, a
 *       connection reset after the request was written, 500, 502 and 504. A create that fails this
 *       way is not retried, because a second token would be made while the first one's secret is
 *       lost, unless {@link Builder#reconcileCreates(boolean)} is on.
 * </ul>
 *
 * <p>Waits are exponential with full jitter: before retry {@code n} (1-based) the client waits a
 * random time in {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}. After a 429 or 503 with
 * {@code Retry-After} the wait is at least what the server asked; after a 429 without one, at least
 * {@link Builder#throttledBackoff(Duration)}. All attempts and waits of one call share {@link
 * Builder#deadline(Duration)}: no attempt outlives it, no retry starts whose wait would pass it,
 * and a {@code Retry-After} beyond it, or beyond {@link Builder#maxRetryAfter(Duration)}, surfaces
 * the {@link RateLimitedException} at once. A {@code Retry-After} of 0, a date in the past, or one
 * below the throttled floor is treated as absent, so throttled callers do not all return at once.
 *
 * <p>Retries of one client draw on a shared budget (Finagle's: retries may add 20% of the calls of
 * the last 10 seconds, plus 10 a second), so that an outage does not turn every call into {@code
 * maxAttempts} calls. After a 429 the client paces its own sends with an adaptive limiter that
 * starts at the rate the server accepted and creeps back up, so that it converges on the server's
 * limit instead of hammering it.
 */
public final class RetryPolicy {
  private static final RetryPolicy NONE = builder().maxAttempts(1).build();
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration throttledBackoff;
  private final Duration maxRetryAfter;
  private final Duration deadline;
  private final boolean reconcileCreates;
  private final double budgetRatio;
  private final int budgetMinPerSecond;
  private final boolean adaptiveThrottling;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.throttledBackoff = b.throttledBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.deadline = b.deadline;
    this.reconcileCreates = b.reconcileCreates;
    this.budgetRatio = b.budgetRatio;
    this.budgetMinPerSecond = b.budgetMinPerSecond;
    this.adaptiveThrottling = b.adaptiveThrottling;
  }

  /** One attempt, no retry; the deadline of {@link #defaults()} still bounds the call. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * 3 attempts, backoff 100 ms doubling up to 5 s with full jitter (AWS SDK v2's standard
   * strategy), at least 1 s after a 429 without {@code Retry-After}, a {@code Retry-After} honoured
   * up to 20 s, 30 s for the whole call, a retry budget of 20% plus 10 a second, adaptive
   * self-pacing after a 429, ambiguous creates not retried.
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Total attempts per call, the first included: 1 means no retry. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The cap on the first retry's random wait; each later retry doubles it. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The largest wait between two attempts, whatever the attempt number. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The least wait after a 429 that carried no {@code Retry-After}. */
  public Duration throttledBackoff() {
    return throttledBackoff;
  }

  /** The longest {@code Retry-After} the client waits for; a longer one fails the call at once. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** The bound on one logical call: every attempt and every wait together. */
  public Duration deadline() {
    return deadline;
  }

  /** Whether ambiguous creates are reconciled and retried; see {@link Builder#reconcileCreates}. */
  public boolean reconcileCreates() {
    return reconcileCreates;
  }

  /** The share of recent calls that retries may add, 0 when the budget is off. */
  public double budgetRatio() {
    return budgetRatio;
  }

  /** Retries a second always allowed by the budget, whatever the traffic. */
  public int budgetMinPerSecond() {
    return budgetMinPerSecond;
  }

  /** Whether the budget limits retries at all. */
  public boolean budgetEnabled() {
    return budgetRatio >= 0;
  }

  /** Whether the client paces its sends after a 429. */
  public boolean adaptiveThrottling() {
    return adaptiveThrottling;
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", throttledBackoff="
        + throttledBackoff
        + ", maxRetryAfter="
        + maxRetryAfter
        + ", deadline="
        + deadline
        + ", reconcileCreates="
        + reconcileCreates
        + ", budget="
        + (budgetEnabled() ? budgetRatio + " + " + budgetMinPerSecond + "/s" : "off")
        + ", adaptiveThrottling="
        + adaptiveThrottling
        + "]";
  }

  /** Builds a {@link RetryPolicy}; each setter checks its argument at once. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration throttledBackoff = Duration.ofSeconds(1);
    private Duration maxRetryAfter = Duration.ofSeconds(20);
    private Duration deadline = Duration.ofSeconds(30);
    private boolean reconcileCreates;
    private double budgetRatio = 0.2;
    private int budgetMinPerSecond = 10;
    private boolean adaptiveThrottling = true;

    Builder() {}

    Builder(RetryPolicy p) {
      this.maxAttempts = p.maxAttempts;
      this.initialBackoff = p.initialBackoff;
      this.maxBackoff = p.maxBackoff;
      this.throttledBackoff = p.throttledBackoff;
      this.maxRetryAfter = p.maxRetryAfter;
      this.deadline = p.deadline;
      this.reconcileCreates = p.reconcileCreates;
      this.budgetRatio = p.budgetRatio;
      this.budgetMinPerSecond = p.budgetMinPerSecond;
      this.adaptiveThrottling = p.adaptiveThrottling;
    }

    /** Total attempts, the first included: 1 to 10. Default 3. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 10 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Cap on the first retry's random wait, 1 ms to 1 minute. Default 100 ms. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = check(initialBackoff, "initialBackoff", Duration.ofMinutes(1));
      return this;
    }

    /** The largest wait between attempts, 1 ms to 5 minutes. Default 5 s. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = check(maxBackoff, "maxBackoff", Duration.ofMinutes(5));
      return this;
    }

    /** Least wait after a 429 without {@code Retry-After}, up to 1 minute. Default 1 s. */
    public Builder throttledBackoff(Duration throttledBackoff) {
      this.throttledBackoff = check(throttledBackoff, "throttledBackoff", Duration.ofMinutes(1));
      return this;
    }

    /** Longest {@code Retry-After} honoured, up to 1 hour. Default 20 s. */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = check(maxRetryAfter, "maxRetryAfter", Duration.ofHours(1));
      return this;
    }

    /**
     * Bound on one whole call from subscription, up to 1 hour: waiting for the API token, a
     * connection and the client's own pacing, every attempt and backoff, and in reconcile mode
     * every list and delete made to clean up. A call that runs out fails with {@link
     * DeadlineExceededException}. Default 30 s.
     */
    public Builder deadline(Duration deadline) {
      this.deadline = check(deadline, "deadline", Duration.ofHours(1));
      return this;
    }

    /**
     * Makes ambiguous creates safe to retry. Each create's note gets a short marker (a space and 13
     * characters, so the note itself may use at most 86 of its 100 characters); after a create
     * whose outcome is unknown, the client lists the tokens, revokes the one this call made (found
     * by its marker) and tries again, all within the call's deadline. Every token the server made
     * for a call is delivered to the caller, revoked, or reported with a {@link
     * TokenMayExistException} on the call's failure; a token that arrives too late to deliver is
     * revoked by its id, and an attempt whose outcome stayed unknown is looked for again in the
     * background (2, 12 and 42 s after the call) until the client is closed. Costs a list and a
     * delete per ambiguous failure. Default off.
     */
    public Builder reconcileCreates(boolean reconcileCreates) {
      this.reconcileCreates = reconcileCreates;
      return this;
    }

    /**
     * The retry budget: retries may add {@code ratio} of the calls of the last 10 seconds plus
     * {@code minPerSecond} a second. Default 0.2 and 10 (Finagle's RetryBudget).
     */
    public Builder retryBudget(double ratio, int minPerSecond) {
      if (!(ratio >= 0 && ratio <= 10)) {
        throw new IllegalArgumentException("ratio must be 0 to 10 but was " + ratio);
      }
      if (minPerSecond < 0 || minPerSecond > 1_000_000) {
        throw new IllegalArgumentException(
            "minPerSecond must be 0 to 1000000 but was " + minPerSecond);
      }
      this.budgetRatio = ratio;
      this.budgetMinPerSecond = minPerSecond;
      return this;
    }

    /** Turns the retry budget off: every retryable failure is retried up to maxAttempts. */
    public Builder noRetryBudget() {
      this.budgetRatio = -1;
      this.budgetMinPerSecond = 0;
      return this;
    }

    /** Whether the client paces its own sends after a 429. Default on. */
    public Builder adaptiveThrottling(boolean adaptiveThrottling) {
      this.adaptiveThrottling = adaptiveThrottling;
      return this;
    }

    /**
     * @throws IllegalArgumentException if maxBackoff is below initialBackoff
     */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff ("
                + maxBackoff
                + ") must not be below initialBackoff ("
                + initialBackoff
                + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration check(Duration value, String name, Duration max) {
      requireNonNull(value, name + " == null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      if (value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be at most " + max + " but was " + value);
      }
      return value;
    }
  }
}
