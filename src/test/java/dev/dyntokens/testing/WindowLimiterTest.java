package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WindowLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void admitsExactlyTheLimitPerWindowFromManyThreads() throws Exception {
    WindowLimiter limiter = new WindowLimiter(1000, 60_000, clock);
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        workers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 5_000; i++) {
                    if (limiter.tryAcquire() == 0) {
                      admitted.incrementAndGet();
                    }
                  }
                },
                pool));
      }
      CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).get();
    } finally {
      pool.shutdownNow();
    }

    assertThat(admitted).hasValue(1000);
  }

  @Test
  void refusalsTellTheWholeSecondsLeftInTheWindowAndTheNextWindowStartsAfresh() {
    WindowLimiter limiter = new WindowLimiter(2, 60_000, clock);

    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(60);
    clock.advance(Duration.ofMillis(59_999));
    assertThat(limiter.tryAcquire()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire()).isZero();
  }

  @Test
  void limitersBeyondTheCapShareOneOverflowLimiterAndEndedWindowsAreDropped() {
    Limiters limiters = new Limiters(1, 60_000, clock, 100);

    long admitted = 0;
    for (int i = 0; i < 150; i++) {
      admitted += limiters.tryAcquire("client-" + i) == 0 ? 1 : 0;
    }

    assertThat(limiters.size()).isEqualTo(100);
    assertThat(admitted).isEqualTo(101);
    clock.advance(Duration.ofSeconds(60));
    assertThat(limiters.tryAcquire("client-0")).isZero();
    assertThat(limiters.tryAcquire("client-0")).isEqualTo(60);
    assertThat(limiters.size()).isEqualTo(1);
  }

  @Test
  void aRetiredLimiterAdmitsNoOneAndALiveOneIsNotRetired() {
    WindowLimiter limiter = new WindowLimiter(5, 60_000, clock);
    assertThat(limiter.tryAcquire()).isZero();

    assertThat(limiter.retireIfIdle(clock.millis())).isFalse();
    clock.advance(Duration.ofSeconds(60));
    assertThat(limiter.retireIfIdle(clock.millis())).isTrue();
    assertThat(limiter.tryAcquire(clock.millis())).isEqualTo(WindowLimiter.RETIRED);
  }
}
