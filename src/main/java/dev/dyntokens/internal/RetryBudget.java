package dev.dyntokens.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A client-wide cap on retries, after Finagle's {@code RetryBudget}: retries may add {@code ratio}
 * of the calls of the last {@value #WINDOW_SECONDS} seconds plus {@code minPerSecond} a second.
 * Calls and retries are counted in one-second slots that expire, so an outage cannot multiply the
 * load by {@code maxAttempts}. Lock-free; a call costs one atomic increment.
 */
final class RetryBudget {
  static final int WINDOW_SECONDS = 10;

  private final double ratio;
  private final long minPerWindow;
  private final boolean enabled;
  private final AtomicLongArray epochs = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray calls = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray retries = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray throttled = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray sent = new AtomicLongArray(WINDOW_SECONDS);

  RetryBudget(double ratio, int minPerSecond, boolean enabled) {
    this.ratio = ratio;
    this.minPerWindow = (long) minPerSecond * WINDOW_SECONDS;
    this.enabled = enabled;
  }

  /**
   * Records a logical call (its first attempt). Counted even with the budget off: the adaptive
   * limiter reads the send rate from these slots.
   */
  void onCall(long nowMillis) {
    calls.incrementAndGet(slot(nowMillis / 1000));
  }

  /** Records an attempt that goes to the server (not one the client's own pacing refused). */
  void onSent(long nowMillis) {
    sent.incrementAndGet(slot(nowMillis / 1000));
  }

  /** Records an attempt the server answered with 429. */
  void onThrottled(long nowMillis) {
    throttled.incrementAndGet(slot(nowMillis / 1000));
  }

  /**
   * Attempts sent and not answered 429 in the last full second, or -1 when that second holds no
   * data. Seeds and bounds the adaptive limiter's pace near the server's limit.
   */
  long acceptedPerSecond(long nowMillis) {
    long second = nowMillis / 1000;
    int last = (int) Math.floorMod(second - 1, (long) WINDOW_SECONDS);
    if (epochs.get(last) != second - 1) {
      // A partial second scaled up overestimates wildly in a burst: no estimate is better.
      return -1;
    }
    return Math.max(0, sent.get(last) - throttled.get(last));
  }

  /**
   * The share of attempts answered 429 in the last full second, or in this one if the last holds no
   * data.
   */
  double throttledShare(long nowMillis) {
    long second = nowMillis / 1000;
    int i = (int) Math.floorMod(second - 1, (long) WINDOW_SECONDS);
    if (epochs.get(i) != second - 1) {
      i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
      if (epochs.get(i) != second) {
        return 0;
      }
    }
    long attempts = sent.get(i);
    return attempts == 0 ? 0 : Math.min(1.0, (double) throttled.get(i) / attempts);
  }

  /** Takes one retry from the budget; false if the budget is spent. */
  boolean tryRetry(long nowMillis) {
    long second = nowMillis / 1000;
    if (!enabled) {
      retries.incrementAndGet(slot(second));
      return true;
    }
    long callSum = 0;
    long retrySum = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      if (epochs.get(i) > second - WINDOW_SECONDS) {
        callSum += calls.get(i);
        retrySum += retries.get(i);
      }
    }
    if (retrySum >= minPerWindow + (long) (ratio * callSum)) {
      return false;
    }
    retries.incrementAndGet(slot(second));
    return true;
  }

  /** Calls seen in the last full second, for the limiter's first estimate of the send rate. */
  long callsLastSecond(long nowMillis) {
    long previous = nowMillis / 1000 - 1;
    int i = (int) Math.floorMod(previous, (long) WINDOW_SECONDS);
    return epochs.get(i) == previous ? calls.get(i) : 0;
  }

  /** The slot for this second, cleared first if it still holds an expired second. */
  private int slot(long second) {
    int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    long seen = epochs.get(i);
    if (seen != second && epochs.compareAndSet(i, seen, second)) {
      calls.set(i, 0);
      retries.set(i, 0);
      throttled.set(i, 0);
      sent.set(i, 0);
    }
    return i;
  }
}
