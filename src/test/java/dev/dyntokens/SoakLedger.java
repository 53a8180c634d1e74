package dev.dyntokens;

import dev.dyntokens.SoakTest.Op;
import dev.dyntokens.testing.FakeApiStats;
import dev.dyntokens.testing.FakeToken;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's books: a {@link Tally} counts while one run's calls go on, a {@link Result} closes the
 * books of that run against the tokens the fake still holds.
 */
final class SoakLedger {
  private SoakLedger() {}

  /** A delivered token that a later delete call may remove. */
  record Delivered(int bucket, String id) {}

  /** Everything one run observed. */
  static final class Tally {
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final LongAdder calls = new LongAdder();
    final LongAdder ended = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder cancelledCreates = new LongAdder();
    final LongAdder endedTwice = new LongAdder();
    final LongAdder signalAfterCancel = new LongAdder();
    final LongAdder untyped = new LongAdder();
    final LongAdder blocked = new LongAdder();
    final LongAdder createsDelivered = new LongAdder();
    final LongAdder nextWithoutToken = new LongAdder();
    final LongAdder listedItems = new LongAdder();
    final Set<String> deliveredIds = ConcurrentHashMap.newKeySet();
    final Set<String> deleteAttempted = ConcurrentHashMap.newKeySet();
    final Set<Integer> mayExistReported = ConcurrentHashMap.newKeySet();
    final Set<Integer> createsCancelled = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<Delivered> deletable = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> dropped = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> untypedSamples = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> blockedSamples = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> mayExistSamples = new ConcurrentLinkedQueue<>();

    /** Counts a blocking call and keeps where it happened: the count alone cannot be fixed. */
    void blocked(Throwable error) {
      blocked.increment();
      if (blockedSamples.size() < 5) {
        blockedSamples.add(SoakReport.stackTrace(error));
      }
    }

    void outcome(Op op, String outcome) {
      outcomes
          .computeIfAbsent(op.name().toLowerCase(Locale.ROOT) + " " + outcome, k -> new LongAdder())
          .increment();
    }
  }

  /**
   * One run's figures: those {@link SoakTest} measures, and those {@link #account} counts from the
   * tally and the tokens still live at the fake.
   */
  static final class Result {
    final String name;
    final boolean reconcile;
    final boolean chaos;
    final int planned;
    double seconds;
    long settleMillis;
    double poolActive;
    double poolTotal;
    FakeApiStats stats;
    Tally tally;
    List<String> leaks = List.of();
    long blockedInLogs;
    long droppedErrors;
    long heapDelta;
    long reported;

    long delivered;
    long live;
    long liveDelivered;
    List<FakeToken> orphanTokens = new ArrayList<>();
    long soakDeleted;
    long revokedByClient;
    long deliveredButGone;
    long orphansReported;
    long orphansOfCancelled;
    long orphansUnexplained;
    List<String> unexplainedSamples = new ArrayList<>();

    Result(String name, boolean reconcile, boolean chaos, int planned) {
      this.name = name;
      this.reconcile = reconcile;
      this.chaos = chaos;
      this.planned = planned;
    }

    void account(Tally t, List<FakeToken> liveTokens) {
      delivered = t.deliveredIds.size();
      Set<String> liveIds = new HashSet<>();
      for (FakeToken token : liveTokens) {
        liveIds.add(token.id());
        if (t.deliveredIds.contains(token.id())) {
          liveDelivered++;
        } else {
          orphanTokens.add(token);
          int call = SoakTest.callOf(token.note());
          if (t.mayExistReported.contains(call)) {
            orphansReported++;
          } else if (t.createsCancelled.contains(call)) {
            orphansOfCancelled++;
          } else {
            orphansUnexplained++;
            if (unexplainedSamples.size() < 10) {
              unexplainedSamples.add(token.note() + " " + token.id());
            }
          }
        }
      }
      live = liveTokens.size();
      for (String id : t.deleteAttempted) {
        if (!liveIds.contains(id)) {
          soakDeleted++;
        }
      }
      for (String id : t.deliveredIds) {
        if (!liveIds.contains(id) && !t.deleteAttempted.contains(id)) {
          deliveredButGone++;
        }
      }
      revokedByClient = stats.tokensDeleted() - soakDeleted;
    }

    long creates() {
      return sumOutcomes("create ");
    }

    long sumOutcomes(String prefix) {
      long sum = 0;
      for (Map.Entry<String, LongAdder> e : tally.outcomes.entrySet()) {
        if (e.getKey().startsWith(prefix)) {
          sum += e.getValue().sum();
        }
      }
      return sum;
    }
  }
}
