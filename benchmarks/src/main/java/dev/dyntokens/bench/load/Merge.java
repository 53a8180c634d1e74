package dev.dyntokens.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The driver's merge mode: adds the interval histograms of several {@code --histogram-log} files
 * (runs on several machines against one target) into one summary, one timeline of one-second bins
 * on the logs' common wall clock, and optionally one HTML report.
 */
public final class Merge {
  public static final String USAGE =
      """
      usage: java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver merge FILE...
                  [--html FILE] [--json] [--max-p99 D] [--max-error-rate R] [--min-throughput N]

        FILE...                   --histogram-log files of the driver (options may come before or
                                  after them)
        --html FILE               write one HTML report of all of them
        --json                    print the summary as JSON on stdout (top-level "count": calls)
        --max-p99, --max-error-rate, --min-throughput
                                  as for a run, over the merged calls; throughput is calls a second
                                  from the first interval's start to the last one's end
      """;

  private static final String DESCRIPTION_PREFIX = "#dynamic-token-client LoadDriver: ";

  /** One log as read. */
  record Source(String file, String description, long count, int intervals, Instant start) {}

  /** The merged result. */
  record Merged(
      List<Source> sources,
      double seconds,
      long count,
      Map<Outcome, Long> outcomes,
      Histogram all,
      Histogram ok,
      List<Recorder.Interval> timeline) {

    double throughput() {
      return count / Math.max(1e-9, seconds);
    }

    long tagged() {
      return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    double errorRate() {
      long tagged = tagged();
      return tagged == 0 ? 0 : (tagged - outcomes.getOrDefault(Outcome.SUCCESS, 0L)) / (double) tagged;
    }

    List<Map.Entry<String, String>> rows() {
      List<Map.Entry<String, String>> rows = new ArrayList<>();
      rows.add(
          Map.entry(
              "merged",
              String.format(Locale.ROOT, "%d logs, %,d calls", sources.size(), count)));
      for (Source s : sources) {
        rows.add(
            Map.entry(
                "log",
                String.format(
                    Locale.ROOT,
                    "%s: %,d calls in %d intervals from %s%s",
                    s.file(),
                    s.count(),
                    s.intervals(),
                    s.start(),
                    s.description().isEmpty() ? "" : "; " + s.description())));
      }
      rows.add(
          Map.entry(
              "span",
              String.format(
                  Locale.ROOT, "%.2f s (first interval's start to last interval's end)", seconds)));
      rows.add(
          Map.entry(
              "throughput",
              String.format(
                  Locale.ROOT,
                  "%,.0f calls/s (%,.0f successes/s)",
                  throughput(),
                  outcomes.getOrDefault(Outcome.SUCCESS, 0L) / Math.max(1e-9, seconds))));
      rows.add(Map.entry("latency (all)", Summary.latencies(all)));
      rows.add(Map.entry("latency (ok)", Summary.latencies(ok)));
      rows.add(Map.entry("outcomes", Summary.outcomes(tagged(), outcomes)));
      return rows;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", count);
      List<Map<String, Object>> files = new ArrayList<>();
      for (Source s : sources) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", s.file());
        f.put("count", s.count());
        f.put("intervals", s.intervals());
        f.put("start", s.start().toString());
        f.put("description", s.description());
        files.add(f);
      }
      m.put("logs", files);
      m.put("seconds", seconds);
      m.put("throughputPerSecond", throughput());
      m.put("errorRate", errorRate());
      Map<String, Long> out = new LinkedHashMap<>();
      outcomes.forEach((k, v) -> out.put(k.label(), v));
      m.put("outcomes", out);
      m.put("latencyMillis", Summary.latencyMap(all));
      m.put("successLatencyMillis", Summary.latencyMap(ok));
      m.put("timeline", timeline);
      return m;
    }
  }

  private Merge() {}

  /** Runs the merge mode; returns the exit status (0, 1 for a failed threshold, 2 for bad input). */
  public static int main(String[] args, PrintStream out, PrintStream err) {
    List<Path> files = new ArrayList<>();
    String html = null;
    boolean json = false;
    Thresholds.Builder thresholds = new Thresholds.Builder();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          case "--html" -> html = Options.value(args, ++i, a);
          case "--json" -> json = true;
          default -> {
            if (thresholds.accept(args, i)) {
              i++;
            } else if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + a);
            } else {
              files.add(Path.of(a));
            }
          }
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("merge needs at least one --histogram-log file");
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    Merged merged;
    try {
      merged = merge(files);
    } catch (IOException | IllegalArgumentException e) {
      err.println(
          "error: "
              + (e instanceof NoSuchFileException ? "no such file " + e.getMessage() : e.getMessage()));
      return 2;
    }
    try {
      if (json) {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(merged.toMap()));
      } else {
        out.print(Summary.text(merged.rows()));
      }
      if (html != null) {
        HtmlReport.write(
            Path.of(html), "Merged load report", merged.rows(), merged.all(), merged.ok(), merged.timeline());
        err.println("wrote " + html);
      }
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    return thresholds
        .build()
        .check(Summary.millis(merged.all(), 99), merged.errorRate(), merged.throughput(), err);
  }

  /** One interval of one log, as read. */
  private record Entry(long startMillis, long endMillis, String tag, Histogram histogram) {}

  static Merged merge(List<Path> files) throws IOException {
    List<Source> sources = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (Path f : files) {
      List<Entry> own = read(f);
      long count = 0;
      int intervals = 0;
      long first = Long.MAX_VALUE;
      for (Entry e : own) {
        first = Math.min(first, e.startMillis());
        if (e.tag() == null) {
          count += e.histogram().getTotalCount();
          intervals++;
        }
      }
      if (intervals == 0) {
        throw new IllegalArgumentException(f + ": no interval histograms (not a --histogram-log?)");
      }
      sources.add(new Source(f.toString(), description(f), count, intervals, Instant.ofEpochMilli(first)));
      entries.addAll(own);
    }
    long t0 = entries.stream().mapToLong(Entry::startMillis).min().orElse(0);
    long t1 = entries.stream().mapToLong(Entry::endMillis).max().orElse(t0);
    Histogram all = new Histogram(3);
    Histogram ok = new Histogram(3);
    Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    // One-second bins on the common clock; an interval goes to the bin holding its midpoint.
    TreeMap<Long, Map<Outcome, Histogram>> bins = new TreeMap<>();
    long count = 0;
    for (Entry e : entries) {
      if (e.tag() == null) {
        all.add(e.histogram());
        count += e.histogram().getTotalCount();
        continue;
      }
      Outcome o = outcome(e.tag());
      if (o == null) {
        continue; // a tag some other tool wrote: its calls are in the untagged histogram already
      }
      outcomes.merge(o, e.histogram().getTotalCount(), Long::sum);
      if (o == Outcome.SUCCESS) {
        ok.add(e.histogram());
      }
      long bin = ((e.startMillis() + e.endMillis()) / 2 - t0) / 1000;
      bins.computeIfAbsent(bin, k -> new EnumMap<>(Outcome.class))
          .computeIfAbsent(o, k -> new Histogram(3))
          .add(e.histogram());
    }
    for (Outcome o : Outcome.values()) {
      outcomes.putIfAbsent(o, 0L);
    }
    double seconds = (t1 - t0) / 1000.0;
    List<Recorder.Interval> timeline = new ArrayList<>();
    if (!bins.isEmpty()) {
      for (long b = 0; b <= bins.lastKey(); b++) {
        double end = Math.min(b + 1, Math.max(b + 0.001, seconds));
        timeline.add(Recorder.Interval.of(b, end, bins.getOrDefault(b, Map.of())));
      }
    }
    return new Merged(List.copyOf(sources), seconds, count, outcomes, all, ok, timeline);
  }

  private static List<Entry> read(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      throw new NoSuchFileException(f.toString());
    }
    List<Entry> out = new ArrayList<>();
    HistogramLogReader reader = new HistogramLogReader(f.toFile());
    try {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (!(h instanceof Histogram histogram)) {
          throw new IllegalArgumentException(f + ": holds a DoubleHistogram, not the driver's log");
        }
        out.add(new Entry(h.getStartTimeStamp(), h.getEndTimeStamp(), h.getTag(), histogram));
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(f + ": not a readable histogram log (" + e + ")");
    } finally {
      reader.close();
    }
    return out;
  }

  /** The description the driver wrote into the log's header, or "". */
  private static String description(Path f) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      for (int n = 0; n < 20 && (line = r.readLine()) != null; n++) {
        if (line.startsWith(DESCRIPTION_PREFIX)) {
          return line.substring(DESCRIPTION_PREFIX.length()).trim();
        }
      }
    }
    return "";
  }

  private static Outcome outcome(String tag) {
    for (Outcome o : Outcome.values()) {
      if (o.label().equals(tag)) {
        return o;
      }
    }
    return null;
  }
}
