package dev.dyntokens.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Client-side pacing that starts after the first 429: sends are spaced at a rate that drops by
 * {@value #DECREASE} on each throttle (at most once per {@value #COOLDOWN_MILLIS} ms, so one burst
 * of 429s counts once) and grows by {@value #INCREASE} of itself each second without one (AIMD, as
 * TCP does), so the client settles just under the server's limit. Until the first 429 the only cost
 * is one volatile read per attempt. After {@value #IDLE_OFF_MILLIS} ms without a throttle it
 * switches itself off again.
 */
final class AdaptiveLimiter {
  static final double DECREASE = 0.7;
  static final double INCREASE = 0.05;
  static final long COOLDOWN_MILLIS = 1000;
  static final long IDLE_OFF_MILLIS = 60_000;
  static final double MIN_RATE = 0.5;

  private final boolean enabled;
  private volatile @Nullable Pacer pacer;

  AdaptiveLimiter(boolean enabled) {
    this.enabled = enabled;
  }

  /** Reserves a send slot and returns how long to wait for it, 0 when not pacing. */
  long reserveMillis(long nowMillis) {
    return reserveMillis(nowMillis, Long.MAX_VALUE);
  }

  /**
   * Reserves a send slot if it comes within {@code limitMillis} and returns how long to wait for
   * it, 0 when not pacing. A wait of {@code limitMillis} or more is returned without reserving: a
   * call that will not be sent must not push every later call further out.
   */
  long reserveMillis(long nowMillis, long limitMillis) {
    Pacer p = pacer;
    if (p == null) {
      return 0;
    }
    if (nowMillis - p.lastThrottle > IDLE_OFF_MILLIS) {
      pacer = null;
      return 0;
    }
    return p.reserve(nowMillis, limitMillis);
  }

  /**
   * Lowers the rate after a 429; {@code acceptedPerSecond}, what the server let through lately,
   * seeds the first pace.
   */
  void onThrottle(long nowMillis, long acceptedPerSecond) {
    if (!enabled) {
      return;
    }
    Pacer p = pacer;
    if (p == null) {
      synchronized (this) {
        if (pacer == null) {
          pacer = new Pacer(Math.max(MIN_RATE, acceptedPerSecond * DECREASE), nowMillis);
        }
      }
      return;
    }
    p.throttled(nowMillis, acceptedPerSecond);
  }

  /**
   * The pace in sends per second at {@code nowMillis} (on the same clock as the other methods), or
   * 0 when not pacing.
   */
  double rate(long nowMillis) {
    Pacer p = pacer;
    return p == null ? 0 : p.rate(nowMillis);
  }

  /** A rate with a next-free-slot clock (GCRA without burst). */
  static final class Pacer {
    private final AtomicLong nextFreeMicros = new AtomicLong();
    private volatile double baseRate;
    private volatile long baseAt;
    volatile long lastThrottle;

    Pacer(double rate, long nowMillis) {
      this.baseRate = rate;
      this.baseAt = nowMillis;
      this.lastThrottle = nowMillis;
    }

    /** Additive increase: the rate grows with the seconds since the last decrease. */
    double rate(long nowMillis) {
      double seconds = Math.max(0, nowMillis - baseAt) / 1000.0;
      return baseRate * Math.pow(1 + INCREASE, seconds);
    }

    /**
     * Cuts the pace by {@link #DECREASE}, and at least to that share of what the server accepted: a
     * first estimate taken in a burst may be far above the server's limit.
     */
    void throttled(long nowMillis, long acceptedPerSecond) {
      if (nowMillis - lastThrottle < COOLDOWN_MILLIS) {
        return;
      }
      double cut = rate(nowMillis) * DECREASE;
      if (acceptedPerSecond > 0) {
        cut = Math.min(cut, acceptedPerSecond * DECREASE);
      }
      baseRate = Math.max(MIN_RATE, cut);
      baseAt = nowMillis;
      lastThrottle = nowMillis;
    }

    long reserve(long nowMillis, long limitMillis) {
      long intervalMicros = (long) (1_000_000 / rate(nowMillis));
      long nowMicros = nowMillis * 1000;
      while (true) {
        long next = nextFreeMicros.get();
        long start = Math.max(next, nowMicros);
        long wait = (start - nowMicros) / 1000;
        if (wait >= limitMillis) {
          return wait;
        }
        if (nextFreeMicros.compareAndSet(next, start + intervalMicros)) {
          return wait;
        }
      }
    }
  }
}
