package dev.dyntokens.testing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of a {@link FakeDynamicApi}'s counters. Each counter is exact; a snapshot taken while
 * requests run may see one counter a little ahead of another.
 *
 * @param requests requests received, whatever became of them
 * @param tokensCreated tokens created since the start
 * @param tokensLive tokens stored now
 * @param tokensDeleted tokens deleted since the start
 * @param byStatus answers sent, by HTTP status
 * @param faultsInjected faults injected, by kind ({@link FaultKind#NONE} never appears)
 * @param inFlight requests received but not finished yet (answered, dropped or abandoned)
 */
public record FakeApiStats(
    long requests,
    long tokensCreated,
    long tokensLive,
    long tokensDeleted,
    Map<Integer, Long> byStatus,
    Map<FaultKind, Long> faultsInjected,
    long inFlight) {

  public FakeApiStats {
    byStatus = Collections.unmodifiableMap(new TreeMap<>(byStatus));
    Map<FaultKind, Long> faults = new EnumMap<>(FaultKind.class);
    faults.putAll(faultsInjected);
    faultsInjected = Collections.unmodifiableMap(faults);
  }

  /** Answers sent with this status. */
  public long status(int status) {
    return byStatus.getOrDefault(status, 0L);
  }

  /** Faults of this kind injected. */
  public long faults(FaultKind kind) {
    return faultsInjected.getOrDefault(kind, 0L);
  }

  /** All answers sent, whatever their status. */
  public long answered() {
    return byStatus.values().stream().mapToLong(Long::longValue).sum();
  }
}
