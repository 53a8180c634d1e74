package dev.dyntokens.testing;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link WindowLimiter} per key (a client or an environment), with bounded memory: a limiter
 * whose window has ended is retired and dropped (it holds nothing a fresh one would not), swept
 * once per window and whenever the map is full; keys beyond {@code maxKeys} in one window share one
 * overflow limiter. Lock-free apart from the map's own bins; never blocks.
 */
final class Limiters {
  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final int maxKeys;
  private final ConcurrentHashMap<String, WindowLimiter> limiters = new ConcurrentHashMap<>();
  private final WindowLimiter overflow;
  private final AtomicLong sweptWindow = new AtomicLong(Long.MIN_VALUE);

  Limiters(int limit, long windowMillis, Clock clock, int maxKeys) {
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.clock = clock;
    this.maxKeys = maxKeys;
    this.overflow = new WindowLimiter(limit, windowMillis, clock);
  }

  /** 0 if admitted, otherwise the whole seconds (at least 1) until the key's window ends. */
  long tryAcquire(String key) {
    long now = clock.millis();
    long window = Math.floorDiv(now, windowMillis);
    long swept = sweptWindow.get();
    if (swept != window && sweptWindow.compareAndSet(swept, window)) {
      sweep(now);
    }
    while (true) {
      WindowLimiter limiter = limiters.get(key);
      if (limiter == null) {
        if (limiters.size() >= maxKeys) {
          sweep(now);
          if (limiters.size() >= maxKeys) {
            return overflow.tryAcquire(now);
          }
        }
        limiter = limiters.computeIfAbsent(key, k -> new WindowLimiter(limit, windowMillis, clock));
      }
      long wait = limiter.tryAcquire(now);
      if (wait != WindowLimiter.RETIRED) {
        return wait;
      }
      limiters.remove(key, limiter);
    }
  }

  private void sweep(long now) {
    limiters.values().removeIf(limiter -> limiter.retireIfIdle(now));
  }

  /** The limiters held now. */
  int size() {
    return limiters.size();
  }
}
