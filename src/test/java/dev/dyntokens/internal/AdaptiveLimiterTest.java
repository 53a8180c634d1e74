package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The client's own pacing after a 429, on explicit clock values. */
class AdaptiveLimiterTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void beforeAnyThrottleEverySendGoesAtOnce() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isZero();
    }
    assertThat(limiter.rate(T0)).isZero();
  }

  @Test
  void aDisabledLimiterIgnoresThrottles() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(false);
    limiter.onThrottle(T0, 100);
    assertThat(limiter.rate(T0)).isZero();
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isZero();
    }
  }

  @Test
  void theFirstThrottleStartsPacingAtSeventyPercentOfTheRecentRate() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 100);

    assertThat(limiter.rate(T0)).isCloseTo(70.0, within(1e-9));
    // 70 a second: one send every 14.28 ms.
    assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isZero();
    assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isEqualTo(14);
    assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isEqualTo(28);
  }

  @Test
  void eachLaterThrottleDropsTheRateButABurstWithinTheCooldownCountsOnce() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 100);
    double first = limiter.rate(T0);

    limiter.onThrottle(T0 + 10, 100);
    limiter.onThrottle(T0 + 500, 100);
    assertThat(limiter.rate(T0 + 500)).isGreaterThanOrEqualTo(first);

    long later = T0 + AdaptiveLimiter.COOLDOWN_MILLIS;
    double before = limiter.rate(later);
    limiter.onThrottle(later, 100);
    assertThat(limiter.rate(later)).isCloseTo(before * 0.7, within(1e-9)).isLessThan(first);
  }

  @Test
  void theRateCreepsBackUpByFivePercentASecondWithoutThrottles() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 100);

    assertThat(limiter.rate(T0 + 1000)).isCloseTo(70 * 1.05, within(1e-9));
    assertThat(limiter.rate(T0 + 10_000)).isCloseTo(70 * Math.pow(1.05, 10), within(1e-6));
  }

  @Test
  void theRateNeverDropsBelowTheMinimum() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 0);
    assertThat(limiter.rate(T0)).isEqualTo(AdaptiveLimiter.MIN_RATE);
    for (int i = 1; i <= 20; i++) {
      limiter.onThrottle(T0 + i * AdaptiveLimiter.COOLDOWN_MILLIS, 0);
    }
    assertThat(limiter.rate(T0 + 20 * AdaptiveLimiter.COOLDOWN_MILLIS))
        .isEqualTo(AdaptiveLimiter.MIN_RATE);
  }

  @Test
  void pacingSwitchesItselfOffAfterAMinuteWithoutThrottles() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 1);
    assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isZero();
    assertThat(limiter.reserveMillis(T0, Long.MAX_VALUE)).isEqualTo(1428);

    long idle = T0 + AdaptiveLimiter.IDLE_OFF_MILLIS + 1;
    assertThat(limiter.reserveMillis(idle, Long.MAX_VALUE)).isZero();
    assertThat(limiter.reserveMillis(idle, Long.MAX_VALUE)).isZero();
    assertThat(limiter.rate(idle)).isZero();
  }

  @Test
  void aWaitBeyondTheCallersLimitIsNotReservedSoRefusedCallsDoNotDelayLaterOnes() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 1); // 0.7 a second: a slot every 1428 ms
    assertThat(limiter.reserveMillis(T0, 30_000)).isZero();
    long booked = limiter.reserveMillis(T0, 30_000);
    assertThat(booked).isEqualTo(1428);

    // A hundred calls that could wait at most 1 s are refused and book nothing.
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.reserveMillis(T0, 1000)).isGreaterThanOrEqualTo(1000);
    }
    // The next call that can wait gets the very next slot.
    assertThat(limiter.reserveMillis(T0, 30_000)).isEqualTo(2857);
  }

  @Test
  void concurrentFirstThrottlesStartOnePacerWhoseSlotsEveryoneShares() throws InterruptedException {
    int threads = 8;
    AdaptiveLimiter[] limiter = new AdaptiveLimiter[1];
    Set<Long> waits = ConcurrentHashMap.newKeySet();
    List<String> wrong =
        RetryBudgetTest.race(
            threads,
            () -> {
              limiter[0] = new AdaptiveLimiter(true);
              waits.clear();
            },
            thread -> {
              limiter[0].onThrottle(T0, 100);
              waits.add(limiter[0].reserveMillis(T0, Long.MAX_VALUE));
            },
            // 70 a second: one pacer hands out the slots 0, 14, 28, ... once each.
            () -> waits.size() == threads ? null : "waits " + waits);
    assertThat(wrong).isEmpty();
  }

  @Test
  void concurrentThrottlesCutTheRateOncePerCooldown() throws InterruptedException {
    int bursts = 10;
    long gap = 2 * AdaptiveLimiter.COOLDOWN_MILLIS;
    long at = T0 + bursts * gap + AdaptiveLimiter.COOLDOWN_MILLIS;
    // Growth is exponential, so whichever thread's cut wins, the rate at a later instant is the
    // same: 70 a second grown for the time since T0 and cut by 0.7 once per burst.
    double expected = 70 * Math.pow(1.05, (at - T0) / 1000.0) * Math.pow(0.7, bursts);
    // Thousands of limiters a round, so a round outlasts a time slice and a thread is descheduled
    // inside a cut now and then.
    AdaptiveLimiter[] limiters = new AdaptiveLimiter[20_000];
    List<String> wrong =
        RetryBudgetTest.race(
            8,
            () -> {
              for (int l = 0; l < limiters.length; l++) {
                limiters[l] = new AdaptiveLimiter(true);
                limiters[l].onThrottle(T0, 100);
              }
            },
            thread -> {
              for (AdaptiveLimiter limiter : limiters) {
                for (int burst = 1; burst <= bursts; burst++) {
                  // Each thread's clock a few ms apart: two cuts from the same state on one clock
                  // would write the same values, and the double cut would not show.
                  limiter.onThrottle(T0 + burst * gap + thread, 100_000);
                }
              }
            },
            () -> {
              for (int l = 0; l < limiters.length; l++) {
                double rate = limiters[l].rate(at);
                if (Math.abs(rate / expected - 1) > 1e-9) {
                  return "limiter " + l + " at " + rate + " a second, not " + expected;
                }
              }
              return null;
            });
    assertThat(wrong).isEmpty();
  }

  @Test
  void aReaderSeesTheRateBeforeOrAfterACutNeverAMixOfTheTwo() throws InterruptedException {
    int threads = 8;
    long later = T0 + AdaptiveLimiter.COOLDOWN_MILLIS;
    double before = 70 * 1.05;
    double after = before * 0.7;
    AdaptiveLimiter[] limiter = new AdaptiveLimiter[1];
    List<Double> seen = new CopyOnWriteArrayList<>();
    List<String> wrong =
        RetryBudgetTest.race(
            threads,
            () -> {
              limiter[0] = new AdaptiveLimiter(true);
              limiter[0].onThrottle(T0, 100);
            },
            thread -> {
              if (thread == 0) {
                limiter[0].onThrottle(later, 1000);
                return;
              }
              // Bounded: a writer that failed must not leave the readers spinning.
              for (int i = 0; i < 1_000_000; i++) {
                double rate = limiter[0].rate(later);
                if (Math.abs(rate - after) < 1e-9) {
                  return;
                }
                if (Math.abs(rate - before) >= 1e-9) {
                  seen.add(rate);
                }
              }
            },
            () -> seen.isEmpty() ? null : "rates " + seen);
    assertThat(wrong).isEmpty();
  }
}
