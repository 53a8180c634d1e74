package dev.dyntokens;

import static dev.dyntokens.SoakTest.CANCEL_RATE;
import static dev.dyntokens.SoakTest.CREATES;
import static dev.dyntokens.SoakTest.DELETE_RATE;
import static dev.dyntokens.SoakTest.FAULT_DELAY;
import static dev.dyntokens.SoakTest.IN_FLIGHT;
import static dev.dyntokens.SoakTest.LIST_RATE;
import static dev.dyntokens.SoakTest.MAX_CANCEL_DELAY_MILLIS;
import static dev.dyntokens.SoakTest.RESPONSE_TIMEOUT;
import static dev.dyntokens.SoakTest.SEED;

import dev.dyntokens.SoakLedger.Result;
import dev.dyntokens.testing.FaultKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak prints: a line as each run starts, progress while it goes on, a summary with
 * samples when it ends, and at the end of the class one table of every run's figures, also written
 * to {@code target/reliability/soak.txt}.
 */
final class SoakReport {
  private SoakReport() {}

  /**
   * Prints the table of {@code results}, one column a run, and writes it to the reliability file.
   */
  static void publish(List<Result> results) throws IOException {
    String table = table(results);
    System.out.println(table);
    Path out = Path.of("target", "reliability", "soak.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table, StandardCharsets.UTF_8);
  }

  static void printStart(String name, int calls) {
    System.out.printf(
        Locale.ROOT,
        "soak %s: %,d calls (%,d creates), %d in flight, seed %d%n",
        name,
        calls,
        CREATES,
        IN_FLIGHT,
        SEED);
  }

  static void printProgress(long ended, int calls, long startNanos) {
    System.out.printf(
        Locale.ROOT,
        "  %,d / %,d calls ended after %.0f s%n",
        ended,
        calls,
        (System.nanoTime() - startNanos) / 1e9);
  }

  static void printSummary(Result r) {
    System.out.printf(
        Locale.ROOT,
        "soak %s: %,d calls in %.1f s, settled in %d ms; created %d delivered %d orphans %d"
            + " (reported %d, cancelled %d, unexplained %d %s); revoked by client %d; pool"
            + " active %.0f; leaks %d; heap delta %+.1f MiB; dropped errors %d%n",
        r.name,
        r.planned,
        r.seconds,
        r.settleMillis,
        r.stats.tokensCreated(),
        r.delivered,
        r.orphanTokens.size(),
        r.orphansReported,
        r.orphansOfCancelled,
        r.orphansUnexplained,
        r.unexplainedSamples,
        r.revokedByClient,
        r.poolActive,
        r.leaks.size(),
        r.heapDelta / 1048576.0,
        r.droppedErrors);
    r.tally.dropped.stream()
        .limit(3)
        .forEach(t -> System.out.println("  dropped by Reactor: " + t));
    r.tally.blockedSamples.forEach(s -> System.out.println("  blocking call: " + s));
    r.tally.mayExistSamples.stream()
        .limit(3)
        .forEach(s -> System.out.println("  reported ambiguous: " + s));
  }

  /** Samples of the creates a reconcile-mode run reported as {@link TokenMayExistException}. */
  static void printMayExistSamples(Result r) {
    System.out.println("reconcile-mode creates reported as TokenMayExist (samples):");
    r.tally.mayExistSamples.forEach(x -> System.out.println("  " + x));
  }

  /** An error with its causes and suppressed errors, one a line. */
  static String describe(Throwable error) {
    StringBuilder out = new StringBuilder(error.toString());
    for (Throwable c = error.getCause(); c != null; c = c.getCause()) {
      out.append("\n    caused by ").append(c);
    }
    for (Throwable s : error.getSuppressed()) {
      out.append("\n    suppressed ").append(s);
    }
    return out.toString();
  }

  static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  static String table(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Soak: %,d creates per run (+%.0f%% lists, +%.0f%% deletes), %d in flight, %.0f%% of"
                + " calls cancelled at a random moment (0-%d ms), seed %d, responseTimeout %d ms,"
                + " fault DELAY %d ms, %d cores%n%n",
            CREATES,
            LIST_RATE * 100,
            DELETE_RATE * 100,
            IN_FLIGHT,
            CANCEL_RATE * 100,
            MAX_CANCEL_DELAY_MILLIS,
            SEED,
            RESPONSE_TIMEOUT.toMillis(),
            FAULT_DELAY.toMillis(),
            Runtime.getRuntime().availableProcessors()));
    List<String> header = new ArrayList<>(List.of("figure"));
    results.forEach(r -> header.add(r.name));
    List<List<String>> rows = new ArrayList<>();
    row(rows, results, "calls made", r -> fmt(r.planned));
    row(rows, results, "wall time (s)", r -> String.format(Locale.ROOT, "%.1f", r.seconds));
    row(rows, results, "calls/s", r -> String.format(Locale.ROOT, "%,.0f", r.planned / r.seconds));
    row(
        rows,
        results,
        "creates delivered/s",
        r -> String.format(Locale.ROOT, "%,.0f", r.tally.createsDelivered.sum() / r.seconds));
    row(rows, results, "requests at the fake", r -> fmt(r.stats.requests()));
    long faultsTotal = 0;
    for (FaultKind kind : FaultKind.values()) {
      if (kind == FaultKind.NONE) {
        continue;
      }
      boolean any = results.stream().anyMatch(r -> r.stats.faults(kind) > 0);
      if (any) {
        row(rows, results, "fault " + kind, r -> fmt(r.stats.faults(kind)));
      }
    }
    row(
        rows,
        results,
        "faults injected (share of requests)",
        r -> {
          long sum = r.stats.faultsInjected().values().stream().mapToLong(Long::longValue).sum();
          return String.format(
              Locale.ROOT, "%,d (%.1f%%)", sum, 100.0 * sum / Math.max(1, r.stats.requests()));
        });
    TreeMap<String, Boolean> keys = new TreeMap<>();
    results.forEach(r -> r.tally.outcomes.keySet().forEach(k -> keys.put(k, true)));
    for (String key : keys.keySet()) {
      row(
          rows,
          results,
          "outcome: " + key,
          r -> fmt(r.tally.outcomes.getOrDefault(key, new LongAdder()).sum()));
    }
    row(
        rows,
        results,
        "calls ended exactly once",
        r -> fmt(r.tally.ended.sum() + r.tally.cancelled.sum()) + " / " + fmt(r.planned));
    row(
        rows,
        results,
        "ended twice / late signal after cancel (RS 1.8 race) / untyped error",
        r ->
            r.tally.endedTwice.sum()
                + " / "
                + r.tally.signalAfterCancel.sum()
                + " / "
                + r.tally.untyped.sum());
    row(rows, results, "tokens created (fake)", r -> fmt(r.stats.tokensCreated()));
    row(rows, results, "tokens delivered to callers", r -> fmt(r.delivered));
    row(rows, results, "tokens deleted by the soak", r -> fmt(r.soakDeleted));
    row(rows, results, "tokens revoked by the client (reconcile)", r -> fmt(r.revokedByClient));
    row(rows, results, "orphans (live, never delivered)", r -> fmt(r.orphanTokens.size()));
    row(rows, results, "  of which reported (TokenMayExistException)", r -> fmt(r.orphansReported));
    row(rows, results, "  of which the caller cancelled", r -> fmt(r.orphansOfCancelled));
    row(rows, results, "  of which unexplained", r -> fmt(r.orphansUnexplained));
    row(rows, results, "creates reported ambiguous (TokenMayExistException)", r -> fmt(r.reported));
    row(rows, results, "Netty leak reports (paranoid)", r -> fmt(r.leaks.size()));
    row(
        rows,
        results,
        "blocked threads (BlockHound)",
        r -> fmt(r.tally.blocked.sum() + r.blockedInLogs));
    row(rows, results, "pool active at end", r -> String.format(Locale.ROOT, "%.0f", r.poolActive));
    row(
        rows,
        results,
        "heap delta after full GC (MiB)",
        r -> String.format(Locale.ROOT, "%+.1f", r.heapDelta / 1048576.0));
    row(rows, results, "settle time (ms)", r -> fmt(r.settleMillis));

    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (int n = 0; n < all.size(); n++) {
      List<String> row = all.get(n);
      out.append("| ");
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        out.append(i == 0 ? pad(cell, widths[i]) : padLeft(cell, widths[i])).append(" | ");
      }
      out.setLength(out.length() - 1);
      out.append('\n');
      if (n == 0) {
        out.append('|');
        for (int w : widths) {
          out.append("-".repeat(w + 2)).append('|');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  interface Cell {
    String of(Result r);
  }

  static void row(List<List<String>> rows, List<Result> results, String figure, Cell cell) {
    List<String> row = new ArrayList<>(List.of(figure));
    results.forEach(r -> row.add(cell.of(r)));
    rows.add(row);
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String fmt(double n) {
    return String.format(Locale.ROOT, "%,.0f", n);
  }

  static String pad(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  static String padLeft(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }
}
