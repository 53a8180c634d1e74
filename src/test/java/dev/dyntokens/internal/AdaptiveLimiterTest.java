package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The client's own pacing after a 429, on explicit clock values. */
class AdaptiveLimiterTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void beforeAnyThrottleEverySendGoesAtOnce() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.reserveMillis(T0)).isZero();
    }
    assertThat(limiter.rate(T0)).isZero();
  }

  @Test
  void aDisabledLimiterIgnoresThrottles() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(false);
    limiter.onThrottle(T0, 100);
    assertThat(limiter.rate(T0)).isZero();
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.reserveMillis(T0)).isZero();
    }
  }

  @Test
  void theFirstThrottleStartsPacingAtSeventyPercentOfTheRecentRate() {
    AdaptiveLimiter limiter = new AdaptiveLimiter(true);
    limiter.onThrottle(T0, 100);

    assertThat(limiter.rate(T0)).isCloseTo(70.0, within(1e-9));
    // 70 a second: one send every 14.28 ms.
    assertThat(limiter.reserveMillis(T0)).isZero();
    assertThat(limiter.reserveMillis(T0)).isEqualTo(14);
    assertThat(limiter.reserveMillis(T0)).isEqualTo(28);
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
    assertThat(limiter.reserveMillis(T0)).isZero();
    assertThat(limiter.reserveMillis(T0)).isEqualTo(1428);

    long idle = T0 + AdaptiveLimiter.IDLE_OFF_MILLIS + 1;
    assertThat(limiter.reserveMillis(idle)).isZero();
    assertThat(limiter.reserveMillis(idle)).isZero();
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
}
