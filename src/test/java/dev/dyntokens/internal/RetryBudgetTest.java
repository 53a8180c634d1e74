package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The client-wide retry budget (Finagle's), on explicit clock values. */
class RetryBudgetTest {
  private static final long T0 = 1_700_000_000_000L;

  /** How long a concurrency test repeats its rounds looking for a race. */
  static final long RACE_MILLIS = 1500;

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
  void acceptedPerSecondCountsTheLastFullSecondOnly() {
    RetryBudget budget = new RetryBudget(0.2, 10, true);
    long second = (T0 / 1000) * 1000;
    for (int i = 0; i < 7; i++) {
      budget.onSent(second + 100 * i);
    }
    budget.onThrottled(second + 800);
    budget.onSent(second + 1500);
    assertThat(budget.acceptedPerSecond(second + 1999)).isEqualTo(6);
    assertThat(budget.acceptedPerSecond(second + 999)).isEqualTo(-1);
    assertThat(budget.acceptedPerSecond(second + 12_000)).isEqualTo(-1);
  }

  @Test
  void concurrentRetriesTakeExactlyWhatTheBudgetAllows() throws InterruptedException {
    // Ratio 0: the limit is the reserve alone, 1 a second over the window, whatever the traffic.
    int allowed = RetryBudget.WINDOW_SECONDS;
    // A budget runs out once, and only a retry taken by two threads at that moment overshoots.
    // Thousands a round make that moment frequent, and a thread that is descheduled between
    // checking and taking (a round outlasts a time slice) is such a moment too.
    RetryBudget[] budgets = new RetryBudget[20_000];
    AtomicIntegerArray granted = new AtomicIntegerArray(budgets.length);
    List<String> wrong =
        race(
            8,
            () -> {
              for (int b = 0; b < budgets.length; b++) {
                budgets[b] = new RetryBudget(0, 1, true);
                granted.set(b, 0);
              }
            },
            thread -> {
              for (int b = 0; b < budgets.length; b++) {
                while (budgets[b].tryRetry(T0)) {
                  granted.incrementAndGet(b);
                }
              }
            },
            () -> {
              for (int b = 0; b < budgets.length; b++) {
                if (granted.get(b) != allowed) {
                  return "budget " + b + " granted " + granted.get(b) + " retries";
                }
              }
              return null;
            });
    assertThat(wrong).isEmpty();
  }

  @Test
  void eventsRecordedConcurrentlyAsANewSecondBeginsAreAllCounted() throws InterruptedException {
    int threads = 8;
    // Ratio 1 and no reserve: the retries granted count the calls of the window exactly.
    // Many budgets and few events each, so that much of the time goes to starting a second, and
    // a thread is descheduled there now and then while the others count on.
    RetryBudget[] budgets = new RetryBudget[50_000];
    for (int b = 0; b < budgets.length; b++) {
      budgets[b] = new RetryBudget(1, 0, true);
    }
    long[] now = {T0};
    List<String> wrong =
        race(
            threads,
            // Ten seconds on, each round lands on the slot the last one filled, and alone in the
            // window.
            () -> now[0] += RetryBudget.WINDOW_SECONDS * 1000L,
            thread -> {
              for (RetryBudget budget : budgets) {
                budget.onCall(now[0]);
                budget.onSent(now[0]);
                budget.onSent(now[0]);
                budget.onThrottled(now[0]);
              }
            },
            () -> {
              for (int b = 0; b < budgets.length; b++) {
                RetryBudget budget = budgets[b];
                long accepted = budget.acceptedPerSecond(now[0] + 1000);
                double share = budget.throttledShare(now[0] + 1000);
                int retries = retriesGranted(budget, now[0], 2 * threads);
                if (accepted != threads || share != 0.5 || retries != threads) {
                  return "budget "
                      + b
                      + ": "
                      + accepted
                      + " accepted, "
                      + share
                      + " throttled, "
                      + retries
                      + " retries granted";
                }
              }
              return null;
            });
    assertThat(wrong).isEmpty();
  }

  /**
   * Runs rounds of {@code work} on {@code threads} threads for up to {@link #RACE_MILLIS} ms, until
   * a round comes out wrong, and returns what {@code check} said about the wrong rounds. Each round
   * starts with {@code setUp} and ends with {@code check} (null for a right round), both while the
   * threads wait. The threads then wait for each other yielding, not parked, so a round starts with
   * them running together rather than one wake-up apart.
   */
  static List<String> race(
      int threads, Runnable setUp, IntConsumer work, Supplier<@Nullable String> check)
      throws InterruptedException {
    List<String> wrong = new CopyOnWriteArrayList<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RACE_MILLIS);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger arrived = new AtomicInteger();
    int[] rounds = {0};
    CyclicBarrier between =
        new CyclicBarrier(
            threads,
            () -> {
              if (rounds[0] > 0) {
                String verdict = check.get();
                if (verdict != null) {
                  wrong.add("round " + rounds[0] + ": " + verdict);
                }
              }
              if (!wrong.isEmpty() || System.nanoTime() > end) {
                stop.set(true);
                return;
              }
              rounds[0]++;
              setUp.run();
            });
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers[t] =
          new Thread(
              () -> {
                try {
                  for (int round = 1; ; round++) {
                    between.await(30, TimeUnit.SECONDS);
                    if (stop.get()) {
                      return;
                    }
                    arrived.incrementAndGet();
                    while (arrived.get() < round * threads) {
                      Thread.yield();
                    }
                    work.accept(thread);
                  }
                } catch (BrokenBarrierException e) {
                  // Another worker failed and broke the barrier; its failure is recorded.
                } catch (Throwable e) {
                  wrong.add(thread + " failed: " + e);
                  between.reset();
                }
              },
              "race-" + t);
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(worker.isAlive()).as(worker.getName() + " still running").isFalse();
    }
    return wrong;
  }
}
