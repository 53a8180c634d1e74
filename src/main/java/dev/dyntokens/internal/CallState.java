package dev.dyntokens.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The state of one subscription to a call: its deadline, its attempts and what they left unknown.
 * Touched by one signal at a time, except {@link #written}, which the exchange sets on its event
 * loop, and the failures, which the deadline timer may read while an attempt fails.
 */
final class CallState {
  final long start;

  /** When the call must have ended, on {@link CallEngine#now()}'s clock. */
  final long deadline;

  int attempts;

  /** Whether a failed attempt may have been processed by the server. */
  boolean sawAmbiguous;

  /** Whether the attempt in flight has written its request; cleared when its outcome is known. */
  volatile boolean written;

  // Allocated on the first failure only: most calls never fail. Concurrent: the deadline timer
  // may read it while an attempt's failure is added.
  private volatile @Nullable Collection<Throwable> failures;

  CallState(long start, long deadline) {
    this.start = start;
    this.deadline = deadline;
  }

  void addFailure(Throwable failure) {
    Collection<Throwable> f = failures;
    if (f == null) {
      f = new ConcurrentLinkedQueue<>();
      failures = f;
    }
    f.add(failure);
  }

  Collection<Throwable> failures() {
    Collection<Throwable> f = failures;
    return f == null ? List.of() : f;
  }

  /** Whether the server may have acted on some request of this call without saying so. */
  boolean mayHaveBeenProcessed() {
    return sawAmbiguous || written;
  }
}
