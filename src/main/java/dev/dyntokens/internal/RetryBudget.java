package dev.dyntokens.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

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

  /**
   * Slot {@code second % WINDOW_SECONDS} holds that second's counts. A new second replaces the
   * slot's object rather than clearing its counters, so no count can land between a clear and the
   * change of second, and a reader sees one second's counts, never a mix of two.
   */
  private final AtomicReferenceArray<@Nullable Second> seconds =
      new AtomicReferenceArray<>(WINDOW_SECONDS);

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
    slot(nowMillis / 1000).calls.incrementAndGet();
  }

  /** Records an attempt that goes to the server (not one the client's own pacing refused). */
  void onSent(long nowMillis) {
    slot(nowMillis / 1000).sent.incrementAndGet();
  }

  /** Records an attempt the server answered with 429. */
  void onThrottled(long nowMillis) {
    slot(nowMillis / 1000).throttled.incrementAndGet();
  }

  /**
   * Attempts sent and not answered 429 in the last full second, or -1 when that second holds no
   * data. Seeds and bounds the adaptive limiter's pace near the server's limit.
   */
  long acceptedPerSecond(long nowMillis) {
    Second last = held(nowMillis / 1000 - 1);
    if (last == null) {
      // A partial second scaled up overestimates wildly in a burst: no estimate is better.
      return -1;
    }
    return Math.max(0, last.sent.get() - last.throttled.get());
  }

  /**
   * The share of attempts answered 429 in the last full second, or in this one if the last holds no
   * data.
   */
  double throttledShare(long nowMillis) {
    long second = nowMillis / 1000;
    Second s = held(second - 1);
    if (s == null) {
      s = held(second);
      if (s == null) {
        return 0;
      }
    }
    long attempts = s.sent.get();
    return attempts == 0 ? 0 : Math.min(1.0, (double) s.throttled.get() / attempts);
  }

  /** Takes one retry from the budget; false if the budget is spent. */
  boolean tryRetry(long nowMillis) {
    long second = nowMillis / 1000;
    Second current = slot(second);
    if (!enabled) {
      current.retries.incrementAndGet();
      return true;
    }
    long callSum = 0;
    long otherRetries = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      Second s = seconds.get(i);
      if (s != null && s != current && s.epoch > second - WINDOW_SECONDS) {
        callSum += s.calls.get();
        otherRetries += s.retries.get();
      }
    }
    callSum += current.calls.get();
    // Every retry of a second is taken from that second's count, so concurrent retries race on it
    // alone: it moves only by compare-and-set while below the limit. Retries either side of a
    // second boundary sum each other's second as it was, and may pass the limit by one each.
    long limit = minPerWindow + (long) (ratio * callSum) - otherRetries;
    while (true) {
      long taken = current.retries.get();
      if (taken >= limit) {
        return false;
      }
      if (current.retries.compareAndSet(taken, taken + 1)) {
        return true;
      }
    }
  }

  /** The counts of {@code second}, or null if its slot holds another second or nothing yet. */
  private @Nullable Second held(long second) {
    Second s = seconds.get(index(second));
    return s != null && s.epoch == second ? s : null;
  }

  /** The counts of {@code second}, put in place of the expired second its slot still holds. */
  private Second slot(long second) {
    int i = index(second);
    while (true) {
      Second s = seconds.get(i);
      if (s != null && s.epoch == second) {
        return s;
      }
      Second fresh = new Second(second);
      if (seconds.compareAndSet(i, s, fresh)) {
        return fresh;
      }
      // Another thread changed the slot first, most likely to this same second: use its counts.
    }
  }

  private static int index(long second) {
    return (int) Math.floorMod(second, (long) WINDOW_SECONDS);
  }

  /** One second's counts; a fresh second starts at zero. */
  private static final class Second {
    final long epoch;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong sent = new AtomicLong();

    Second(long epoch) {
      this.epoch = epoch;
    }
  }
}
