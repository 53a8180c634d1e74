package dev.dyntokens.testing;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed-window rate limiter: at most {@code limit} admissions per window of the clock's time.
 * Lock-free; a refused attempt does not count.
 */
final class WindowLimiter {
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
    long now = clock.millis();
    long index = Math.floorDiv(now, windowMillis);
    while (true) {
      Window window = current.get();
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

  private long retryAfterSeconds(long now, long index) {
    long remaining = (index + 1) * windowMillis - now;
    return Math.max(1, (remaining + 999) / 1000);
  }

  private record Window(long index, int count) {}
}
