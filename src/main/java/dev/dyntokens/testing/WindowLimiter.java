package dev.dyntokens.testing;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed-window rate limiter: at most {@code limit} admissions per window of the clock's time.
 * Lock-free; a refused attempt does not count.
 */
final class WindowLimiter {
  /** What {@link #tryAcquire(long)} answers once the limiter is retired. */
  static final long RETIRED = -1;

  private static final Window RETIRED_WINDOW = new Window(Long.MIN_VALUE, 0);

  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final AtomicReference<Window> current = new AtomicReference<>(new Window(-1, 0));

  WindowLimiter(int limit, long windowMillis, Clock clock) {
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  /** 0 if admitted, otherwise the whole seconds (at least 1) until the window ends. */
  long tryAcquire() {
    return tryAcquire(clock.millis());
  }

  /**
   * As {@link #tryAcquire()} at the given time, or {@link #RETIRED} if {@link #retireIfIdle}
   * retired this limiter: then the caller asks a fresh one.
   */
  long tryAcquire(long now) {
    long index = Math.floorDiv(now, windowMillis);
    while (true) {
      Window window = current.get();
      if (window == RETIRED_WINDOW) {
        return RETIRED;
      }
      Window next;
      if (window.index() != index) {
        if (window.index() > index) {
          return retryAfterSeconds(now, window.index());
        }
        next = new Window(index, 1);
      } else if (window.count() >= limit) {
        return retryAfterSeconds(now, index);
      } else {
        next = new Window(index, window.count() + 1);
      }
      if (current.compareAndSet(window, next)) {
        return 0;
      }
    }
  }

  /**
   * Retires this limiter if its window ended before the window of {@code now}: it then holds
   * nothing a fresh limiter would not, so dropping it loses nothing. A retired limiter admits no
   * one again; true if it is retired.
   */
  boolean retireIfIdle(long now) {
    long index = Math.floorDiv(now, windowMillis);
    while (true) {
      Window window = current.get();
      if (window == RETIRED_WINDOW) {
        return true;
      }
      if (window.index() >= index) {
        return false;
      }
      if (current.compareAndSet(window, RETIRED_WINDOW)) {
        return true;
      }
    }
  }

  private long retryAfterSeconds(long now, long index) {
    long remaining = (index + 1) * windowMillis - now;
    return Math.max(1, (remaining + 999) / 1000);
  }

  private record Window(long index, int count) {}
}
