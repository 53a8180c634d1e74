package dev.dyntokens.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
  private final AtomicReference<@Nullable Pacer> pacer = new AtomicReference<>();

  AdaptiveLimiter(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Reserves a send slot if it comes within {@code limitMillis} and returns how long to wait for
   * it, 0 when not pacing. A wait of {@code limitMillis} or more is returned without reserving: a
   * call that will not be sent must not push every later call further out.
   */
  long reserveMillis(long nowMillis, long limitMillis) {
    Pacer p = pacer.get();
    if (p == null) {
      return 0;
    }
    if (nowMillis - p.lastThrottle() > IDLE_OFF_MILLIS) {
      // Only this idle pacer goes: one that a concurrent throttle has just started stays.
      pacer.compareAndSet(p, null);
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
    Pacer p = pacer.get();
    if (p == null) {
      // Losing the race means another 429 of this burst started the pace; this one would fall
      // within its cooldown.
      pacer.compareAndSet(
          null, new Pacer(Math.max(MIN_RATE, acceptedPerSecond * DECREASE), nowMillis));
      return;
    }
    p.throttled(nowMillis, acceptedPerSecond);
  }

  /**
   * The pace in sends per second at {@code nowMillis} (on the same clock as the other methods), or
   * 0 when not pacing.
   */
  double rate(long nowMillis) {
    Pacer p = pacer.get();
    return p == null ? 0 : p.rate(nowMillis);
  }

  /** A rate with a next-free-slot clock (GCRA without burst). */
  static final class Pacer {
    private final AtomicLong nextFreeMicros = new AtomicLong();

    /** Replaced whole, so a reader never pairs one cut's rate with another cut's instant. */
    private final AtomicReference<Base> base;

    /**
     * The rate set by the last throttle that cut it (or started the pace), and when: the rate grows
     * from that instant, and the cooldown and the switch-off after idling count from it.
     */
    private record Base(double rate, long at) {
      /** Additive increase: the rate grows with the seconds since the last decrease. */
      double rateAt(long nowMillis) {
        double seconds = Math.max(0, nowMillis - at) / 1000.0;
        return rate * Math.pow(1 + INCREASE, seconds);
      }
    }

    Pacer(double rate, long nowMillis) {
      this.base = new AtomicReference<>(new Base(rate, nowMillis));
    }

    long lastThrottle() {
      return base.get().at();
    }

    double rate(long nowMillis) {
      return base.get().rateAt(nowMillis);
    }

    /**
     * Cuts the pace by {@link #DECREASE}, and at least to that share of what the server accepted: a
     * first estimate taken in a burst may be far above the server's limit. The cooldown is checked
     * against the base the cut replaces, so of concurrent throttles in one burst only one cuts.
     */
    void throttled(long nowMillis, long acceptedPerSecond) {
      while (true) {
        Base b = base.get();
        if (nowMillis - b.at() < COOLDOWN_MILLIS) {
          return;
        }
        double cut = b.rateAt(nowMillis) * DECREASE;
        if (acceptedPerSecond > 0) {
          cut = Math.min(cut, acceptedPerSecond * DECREASE);
        }
        if (base.compareAndSet(b, new Base(Math.max(MIN_RATE, cut), nowMillis))) {
          return;
        }
      }
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
