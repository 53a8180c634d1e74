package dev.dyntokens.testing;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The fake's request accounting: contention-free adders, no locks. */
final class Counters {
  private final LongAdder requests = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

  /** Filled once, never changed after: safe to read from any thread. */
  private final Map<FaultKind, LongAdder> faults = new EnumMap<>(FaultKind.class);

  Counters() {
    for (FaultKind kind : FaultKind.values()) {
      faults.put(kind, new LongAdder());
    }
  }

  void started() {
    requests.increment();
    inFlight.increment();
  }

  void finished() {
    inFlight.decrement();
  }

  void answered(int status) {
    LongAdder adder = byStatus.get(status);
    if (adder == null) {
      adder = byStatus.computeIfAbsent(status, s -> new LongAdder());
    }
    adder.increment();
  }

  void fault(FaultKind kind) {
    if (kind != FaultKind.NONE) {
      faults.get(kind).increment();
    }
  }

  FakeApiStats snapshot(TokenStore store) {
    Map<Integer, Long> statuses = new TreeMap<>();
    byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
    Map<FaultKind, Long> injected = new EnumMap<>(FaultKind.class);
    faults.forEach(
        (kind, count) -> {
          if (count.sum() > 0) {
            injected.put(kind, count.sum());
          }
        });
    return new FakeApiStats(
        requests.sum(),
        store.created(),
        store.live(),
        store.deleted(),
        statuses,
        injected,
        inFlight.sum());
  }
}
