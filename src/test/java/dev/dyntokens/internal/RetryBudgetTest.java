package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client-wide retry budget (Finagle's), on explicit clock values. */
class RetryBudgetTest {
  private static final long T0 = 1_700_000_000_000L;

  private static int retriesGranted(RetryBudget budget, long nowMillis, int tries) {
    int granted = 0;
    for (int i = 0; i < tries; i++) {
      if (budget.tryRetry(nowMillis)) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void withoutTrafficTheReserveAllowsMinPerSecondTimesTheWindow() {
    RetryBudget budget = new RetryBudget(0.2, 2, true);
    assertThat(retriesGranted(budget, T0, 100)).isEqualTo(2 * RetryBudget.WINDOW_SECONDS);
  }

  @Test
  void retriesMayAddTwentyPercentOfTheCallsOfTheWindow() {
    RetryBudget budget = new RetryBudget(0.2, 0, true);
    for (int i = 0; i < 100; i++) {
      budget.onCall(T0 + i * 50); // 100 calls over 5 seconds
    }
    assertThat(retriesGranted(budget, T0 + 5000, 1000)).isEqualTo(20);
  }

  @Test
  void theDefaultBudgetIsTwentyPercentPlusTenASecond() {
    RetryBudget budget = new RetryBudget(0.2, 10, true);
    for (int i = 0; i < 1000; i++) {
      budget.onCall(T0);
    }
    assertThat(retriesGranted(budget, T0, 10_000)).isEqualTo(100 + 200);
  }

  @Test
  void anExhaustedBudgetRefillsAsTheWindowSlidesPast() {
    RetryBudget budget = new RetryBudget(0, 1, true);
    assertThat(retriesGranted(budget, T0, 50)).isEqualTo(10);
    assertThat(budget.tryRetry(T0 + 9_999)).isFalse();

    long later = T0 + RetryBudget.WINDOW_SECONDS * 1000L;
    assertThat(retriesGranted(budget, later, 50)).isEqualTo(10);
  }

  @Test
  void callsOlderThanTheWindowNoLongerEarnRetries() {
    RetryBudget budget = new RetryBudget(0.5, 0, true);
    for (int i = 0; i < 100; i++) {
      budget.onCall(T0);
    }
    long afterWindow = T0 + RetryBudget.WINDOW_SECONDS * 1000L + 1000;
    assertThat(budget.tryRetry(afterWindow)).isFalse();
  }

  @Test
  void aDisabledBudgetGrantsEveryRetry() {
    RetryBudget budget = new RetryBudget(0, 0, false);
    assertThat(retriesGranted(budget, T0, 10_000)).isEqualTo(10_000);
  }

  @Test
  void callsLastSecondCountsTheLastFullSecondOnly() {
    RetryBudget budget = new RetryBudget(0.2, 10, true);
    long second = (T0 / 1000) * 1000;
    for (int i = 0; i < 7; i++) {
      budget.onCall(second + 100 * i);
    }
    budget.onCall(second + 1500);
    assertThat(budget.callsLastSecond(second + 1999)).isEqualTo(7);
    assertThat(budget.callsLastSecond(second + 999)).isZero();
    assertThat(budget.callsLastSecond(second + 12_000)).isZero();
  }
}
