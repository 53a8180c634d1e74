package dev.dyntokens.bench.load;

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

  public String text() {
    StringBuilder sb = new StringBuilder();
    line(sb, "target", target);
    line(sb, "model", model);
    line(sb, "client", client);
    line(sb, "duration", String.format(Locale.ROOT, "%.2f s", seconds));
    line(
        sb,
        "throughput",
        String.format(
            Locale.ROOT,
            "%,.0f calls/s (%,.0f successes/s)",
            throughput(),
            outcomes.getOrDefault(Outcome.SUCCESS, 0L) / Math.max(1e-9, seconds)));
    line(sb, "latency (all)", latencies(allLatencies));
    line(sb, "latency (ok)", latencies(successLatencies));
    StringBuilder o = new StringBuilder();
    outcomes.forEach((k, v) -> o.append(k.label()).append(' ').append(v).append("  "));
    line(sb, "outcomes", String.format(Locale.ROOT, "%,d calls: %s", calls, o.toString().trim()));
    if (!errorsByClass.isEmpty()) {
      line(sb, "errors by class", errorsByClass.toString());
    }
    if (!serverStats.isEmpty()) {
      line(sb, "server", serverStats.toString());
      line(sb, "retries", "~" + retries() + " (server requests beyond one per call that reached it)");
    } else {
      line(sb, "retries", "not observable against this target");
    }
    if (!cleanup.isEmpty()) {
      line(sb, "cleanup", cleanup.toString());
    }
    return sb.toString();
  }

  private static String latencies(Histogram h) {
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

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(String.format(Locale.ROOT, "%-16s %s%n", key, value));
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

  private static Map<String, Object> latencyMap(Histogram h) {
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
