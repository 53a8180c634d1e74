package dev.dyntokens.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The outcome of a load run, as text or as a JSON-ready map. */
public record Summary(
    String target,
    String model,
    String client,
    double seconds,
    long calls,
    Map<Outcome, Long> outcomes,
    Map<String, Long> errorsByClass,
    Histogram allLatencies,
    Histogram successLatencies,
    List<Recorder.Interval> timeline,
    Map<String, Long> serverStats,
    Map<String, Long> cleanup) {

  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  public double throughput() {
    return calls / Math.max(1e-9, seconds);
  }

  /**
   * Retries seen by the server: requests it received beyond one per call that reached it (calls
   * that failed before sending, for want of a pooled connection or a connection at all, are not
   * counted as having reached it). An estimate: a call that failed to connect and then succeeded
   * on a retry is counted once.
   */
  public Long retries() {
    Long received = serverStats.get("requests");
    if (received == null) {
      return null;
    }
    long neverSent =
        errorsByClass.getOrDefault("ConnectionPoolExhaustedException", 0L)
            + errorsByClass.getOrDefault("ConnectionFailedException", 0L);
    return Math.max(0, received - (calls - neverSent));
  }

  static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  static double maxMillis(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0;
  }

  /** p99 latency of all calls, in ms. */
  public double p99Millis() {
    return millis(allLatencies, 99);
  }

  /** Failed calls / calls, 0 without calls. */
  public double errorRate() {
    return calls == 0 ? 0 : (calls - outcomes.getOrDefault(Outcome.SUCCESS, 0L)) / (double) calls;
  }

  /** The summary as key/value rows, in the order {@link #text()} prints them. */
  public List<Map.Entry<String, String>> rows() {
    List<Map.Entry<String, String>> rows = new ArrayList<>();
    rows.add(Map.entry("target", target));
    rows.add(Map.entry("model", model));
    rows.add(Map.entry("client", client));
    rows.add(Map.entry("duration", String.format(Locale.ROOT, "%.2f s", seconds)));
    rows.add(
        Map.entry(
            "throughput",
            String.format(
                Locale.ROOT,
                "%,.0f calls/s (%,.0f successes/s)",
                throughput(),
                outcomes.getOrDefault(Outcome.SUCCESS, 0L) / Math.max(1e-9, seconds))));
    rows.add(Map.entry("latency (all)", latencies(allLatencies)));
    rows.add(Map.entry("latency (ok)", latencies(successLatencies)));
    rows.add(Map.entry("outcomes", outcomes(calls, outcomes)));
    if (!errorsByClass.isEmpty()) {
      rows.add(Map.entry("errors by class", errorsByClass.toString()));
    }
    if (!serverStats.isEmpty()) {
      rows.add(Map.entry("server", serverStats.toString()));
      rows.add(
          Map.entry(
              "retries", "~" + retries() + " (server requests beyond one per call that reached it)"));
    } else {
      rows.add(Map.entry("retries", "not observable against this target"));
    }
    if (!cleanup.isEmpty()) {
      rows.add(Map.entry("cleanup", cleanup.toString()));
    }
    return rows;
  }

  public String text() {
    return text(rows());
  }

  static String text(List<Map.Entry<String, String>> rows) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> r : rows) {
      sb.append(String.format(Locale.ROOT, "%-16s %s%n", r.getKey(), r.getValue()));
    }
    return sb.toString();
  }

  static String outcomes(long calls, Map<Outcome, Long> outcomes) {
    StringBuilder o = new StringBuilder();
    outcomes.forEach((k, v) -> o.append(k.label()).append(' ').append(v).append("  "));
    return String.format(Locale.ROOT, "%,d calls: %s", calls, o.toString().trim());
  }

  static String latencies(Histogram h) {
    StringBuilder sb = new StringBuilder();
    for (double p : PERCENTILES) {
      sb.append(String.format(Locale.ROOT, "p%s %.2f  ", trim(p), millis(h, p)));
    }
    sb.append(String.format(Locale.ROOT, "max %.2f ms  (n=%,d)", maxMillis(h), h.getTotalCount()));
    return sb.toString();
  }

  static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  /** A map for Jackson: every number a machine would want, latencies in milliseconds. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("model", model);
    m.put("client", client);
    m.put("seconds", seconds);
    m.put("calls", calls);
    m.put("throughputPerSecond", throughput());
    m.put("errorRate", errorRate());
    Map<String, Long> out = new LinkedHashMap<>();
    outcomes.forEach((k, v) -> out.put(k.label(), v));
    m.put("outcomes", out);
    m.put("errorsByClass", errorsByClass);
    m.put("latencyMillis", latencyMap(allLatencies));
    m.put("successLatencyMillis", latencyMap(successLatencies));
    m.put("retries", retries());
    m.put("serverStats", serverStats);
    m.put("cleanup", cleanup);
    m.put("timeline", timeline);
    return m;
  }

  static Map<String, Object> latencyMap(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    for (double p : PERCENTILES) {
      m.put("p" + trim(p), millis(h, p));
    }
    m.put("max", maxMillis(h));
    m.put("mean", h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0);
    return m;
  }
}
