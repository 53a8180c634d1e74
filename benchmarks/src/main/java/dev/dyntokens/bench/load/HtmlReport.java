package dev.dyntokens.bench.load;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A self-contained HTML report: the summary, latency percentiles over time, outcomes a second by
 * kind, and the overall latency distribution, as inline SVG. No scripts, no fonts or styles from
 * the network; hovering a bar or a point shows its values (SVG {@code <title>}).
 */
public final class HtmlReport {
  static final int W = 960;
  static final int H = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 36;
  private static final int TOP = 15;
  private static final int BOTTOM = 45;

  private static final String[] PERCENTILE_COLORS = {"#1f6feb", "#bf8700", "#cf222e"};
  private static final Map<Outcome, String> OUTCOME_COLORS = new EnumMap<>(Outcome.class);

  static {
    OUTCOME_COLORS.put(Outcome.SUCCESS, "#2da44e");
    OUTCOME_COLORS.put(Outcome.RATE_LIMITED, "#d4a72c");
    OUTCOME_COLORS.put(Outcome.SERVER_ERROR, "#cf222e");
    OUTCOME_COLORS.put(Outcome.TIMEOUT, "#8250df");
    OUTCOME_COLORS.put(Outcome.CONNECTION, "#0969da");
    OUTCOME_COLORS.put(Outcome.DECODING, "#e16f24");
    OUTCOME_COLORS.put(Outcome.OTHER, "#6e7781");
  }

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1000px;padding:0 1em;"
          + "color:#1f2328}"
          + "h1{font-size:1.5em}h2{font-size:1.15em;margin:1.6em 0 .4em}"
          + "table.summary{border-collapse:collapse;width:100%;table-layout:fixed;"
          + "font-family:ui-monospace,monospace;font-size:13px;background:#f6f8fa}"
          + "table.summary th{text-align:left;vertical-align:top;width:10.5em;padding:3px 8px;"
          + "font-weight:600;white-space:nowrap}"
          + "table.summary td{padding:3px 8px;white-space:pre-wrap;overflow-wrap:anywhere}"
          + "svg{display:block;width:100%;height:auto;background:#fff;border:1px solid #d0d7de}"
          + ".legend{font-size:13px;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}"
          + ".legend i{display:inline-block;width:12px;height:12px;margin-right:.35em;"
          + "vertical-align:-1px}"
          + "p.note{font-size:13px;color:#57606a;margin:.3em 0}";

  private HtmlReport() {}

  public static void write(Summary s, Path file) throws IOException {
    write(
        file,
        "Load report",
        s.rows(),
        s.allLatencies(),
        s.successLatencies(),
        s.timeline());
  }

  public static void write(
      Path file,
      String title,
      List<Map.Entry<String, String>> rows,
      Histogram all,
      Histogram ok,
      List<Recorder.Interval> timeline)
      throws IOException {
    Files.writeString(file, html(title, rows, all, ok, timeline), StandardCharsets.UTF_8);
  }

  static String html(
      String title,
      List<Map.Entry<String, String>> rows,
      Histogram all,
      Histogram ok,
      List<Recorder.Interval> timeline) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>dynamic-token-client: ")
        .append(escape(title))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n<table class=\"summary\">\n");
    for (Map.Entry<String, String> r : rows) {
      sb.append("<tr><th>")
          .append(escape(r.getKey()))
          .append("</th><td>")
          .append(escape(r.getValue()))
          .append("</td></tr>\n");
    }
    sb.append("</table>\n");
    sb.append("<h2>Latency over time (all calls, per interval)</h2>\n")
        .append(legend(new String[] {"p50", "p90", "p99"}, PERCENTILE_COLORS))
        .append(latencyOverTimeChart(timeline))
        .append("\n<h2>Outcomes per second</h2>\n")
        .append(outcomeLegend(timeline))
        .append(outcomesChart(timeline))
        .append("\n<h2>Latency by percentile (whole run)</h2>\n")
        .append(legend(new String[] {"all calls", "successes"}, new String[] {"#1f6feb", "#2da44e"}))
        .append(percentileChart(all, ok))
        .append(
            "\n<p class=\"note\">Latency axes are logarithmic. Latencies are HdrHistogram values"
                + " (3 significant digits); in the open model they count from each call's intended"
                + " send time.</p>\n</body></html>\n");
    return sb.toString();
  }

  /** p50, p90 and p99 of each interval, on a log scale. */
  static String latencyOverTimeChart(List<Recorder.Interval> timeline) {
    List<Recorder.Interval> withCalls =
        timeline.stream().filter(i -> i.okPerSecond() + i.errorsPerSecond() > 0).toList();
    if (withCalls.isEmpty()) {
      return noData();
    }
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Recorder.Interval i : withCalls) {
      lo = Math.min(lo, positive(i.p50Millis()));
      hi = Math.max(hi, i.p99Millis());
    }
    Axis x = Axis.linear(0, timeline.get(timeline.size() - 1).endSeconds(), 10);
    Axis y = Axis.log(lo, hi);
    StringBuilder svg = open();
    frame(svg, x, y, "time (s)", "latency (ms)");
    double[][] values = new double[withCalls.size()][];
    for (int k = 0; k < withCalls.size(); k++) {
      Recorder.Interval i = withCalls.get(k);
      values[k] = new double[] {i.p50Millis(), i.p90Millis(), i.p99Millis()};
    }
    for (int p = 0; p < 3; p++) {
      StringBuilder poly = new StringBuilder();
      for (int k = 0; k < withCalls.size(); k++) {
        Recorder.Interval i = withCalls.get(k);
        double mid = (i.startSeconds() + i.endSeconds()) / 2;
        poly.append(fmt(px(x, mid))).append(',').append(fmt(py(y, positive(values[k][p])))).append(' ');
      }
      svg.append("<polyline fill=\"none\" stroke=\"")
          .append(PERCENTILE_COLORS[p])
          .append("\" stroke-width=\"1.8\" stroke-linejoin=\"round\" points=\"")
          .append(poly.toString().trim())
          .append("\"/>");
    }
    // Points with tooltips; one circle per interval on the p99 line carries all three values.
    for (int k = 0; k < withCalls.size(); k++) {
      Recorder.Interval i = withCalls.get(k);
      double mid = (i.startSeconds() + i.endSeconds()) / 2;
      svg.append("<circle cx=\"")
          .append(fmt(px(x, mid)))
          .append("\" cy=\"")
          .append(fmt(py(y, positive(i.p99Millis()))))
          .append("\" r=\"2.5\" fill=\"")
          .append(PERCENTILE_COLORS[2])
          .append("\"><title>")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f-%.1f s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
                  i.startSeconds(),
                  i.endSeconds(),
                  i.p50Millis(),
                  i.p90Millis(),
                  i.p99Millis()))
          .append("</title></circle>");
    }
    return svg.append("</svg>").toString();
  }

  /** Stacked bars per interval: calls a second of each outcome kind, successes at the bottom. */
  static String outcomesChart(List<Recorder.Interval> timeline) {
    if (timeline.isEmpty()) {
      return noData();
    }
    double maxRate = 0;
    for (Recorder.Interval i : timeline) {
      maxRate = Math.max(maxRate, i.okPerSecond() + i.errorsPerSecond());
    }
    Axis x = Axis.linear(0, timeline.get(timeline.size() - 1).endSeconds(), 10);
    Axis y = Axis.linear(0, Math.max(1, maxRate), 5);
    StringBuilder svg = open();
    frame(svg, x, y, "time (s)", "calls/s");
    for (Recorder.Interval i : timeline) {
      double x0 = px(x, i.startSeconds());
      double x1 = px(x, i.endSeconds());
      double w = Math.max(1, x1 - x0 - (x1 - x0 > 4 ? 1 : 0));
      double base = 0;
      StringBuilder tip =
          new StringBuilder(String.format(Locale.ROOT, "%.1f-%.1f s:", i.startSeconds(), i.endSeconds()));
      svg.append("<g>");
      for (Outcome o : Outcome.values()) {
        double rate = i.outcomesPerSecond().getOrDefault(o.label(), 0.0);
        if (rate <= 0) {
          continue;
        }
        double top = py(y, base + rate);
        svg.append(rect(x0, top, w, py(y, base) - top, OUTCOME_COLORS.get(o)));
        tip.append(String.format(Locale.ROOT, " %s %,.0f/s", o.label(), rate));
        base += rate;
      }
      svg.append("<title>").append(escape(tip.toString())).append("</title></g>");
    }
    return svg.append("</svg>").toString();
  }

  /** x: percentile on a log scale of 1/(1-p); y: latency in ms, log scale. */
  static String percentileChart(Histogram all, Histogram ok) {
    if (all.getTotalCount() == 0) {
      return noData();
    }
    int decades = 5; // up to 99.999%
    double lo = positive(Math.max(1, all.getMinValue()) / 1000.0);
    Axis y = Axis.log(lo, Math.max(lo, all.getMaxValue() / 1000.0));
    StringBuilder svg = open();
    String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int d = 0; d <= decades; d++) {
      double x = LEFT + plotW() * d / (double) decades;
      svg.append(line(x, TOP, x, H - BOTTOM, "#eaeef2"))
          .append(label(x, H - BOTTOM + 16, names[d], "middle"));
    }
    yAxis(svg, y);
    axisTitles(svg, "percentile", "latency (ms)");
    // Successes first, dashed, so the all-calls line stays visible where the two coincide.
    String[] colors = {"#2da44e", "#1f6feb"};
    String[] dashes = {" stroke-dasharray=\"6 4\"", ""};
    Histogram[] hs = {ok, all};
    for (int c = 0; c < hs.length; c++) {
      if (hs[c].getTotalCount() == 0) {
        continue;
      }
      StringBuilder poly = new StringBuilder();
      for (HistogramIterationValue v : hs[c].percentiles(5)) {
        double p = Math.min(v.getPercentileLevelIteratedTo() / 100.0, 1 - Math.pow(10, -decades));
        double xv = Math.log10(1 / (1 - p));
        poly.append(fmt(LEFT + plotW() * xv / decades))
            .append(',')
            .append(fmt(py(y, positive(hs[c].highestEquivalentValue(v.getValueIteratedTo()) / 1000.0))))
            .append(' ');
      }
      svg.append("<polyline fill=\"none\" stroke=\"")
          .append(colors[c])
          .append('"')
          .append(dashes[c])
          .append(" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"")
          .append(poly.toString().trim())
          .append("\"/>");
    }
    svg.append(frameLines());
    return svg.append("</svg>").toString();
  }

  private static String legend(String[] names, String[] colors) {
    StringBuilder sb = new StringBuilder("<div class=\"legend\">");
    for (int k = 0; k < names.length; k++) {
      sb.append("<span><i style=\"background:")
          .append(colors[k])
          .append("\"></i>")
          .append(escape(names[k]))
          .append("</span>");
    }
    return sb.append("</div>\n").toString();
  }

  /** The outcome kinds that occur in the run, with their totals. */
  private static String outcomeLegend(List<Recorder.Interval> timeline) {
    List<String> names = new ArrayList<>();
    List<String> colors = new ArrayList<>();
    for (Outcome o : Outcome.values()) {
      double n = 0;
      for (Recorder.Interval i : timeline) {
        n += i.outcomesPerSecond().getOrDefault(o.label(), 0.0) * (i.endSeconds() - i.startSeconds());
      }
      if (n >= 0.5 || o == Outcome.SUCCESS) {
        names.add(String.format(Locale.ROOT, "%s (%,.0f)", o.label(), n));
        colors.add(OUTCOME_COLORS.get(o));
      }
    }
    return legend(names.toArray(String[]::new), colors.toArray(String[]::new));
  }

  private static String noData() {
    return open().append(label(W / 2.0, H / 2.0, "no data", "middle")).append("</svg>").toString();
  }

  private static StringBuilder open() {
    return new StringBuilder()
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" font-size=\"12\" font-family=\"system-ui,sans-serif\">");
  }

  private static void frame(StringBuilder svg, Axis x, Axis y, String xName, String yName) {
    for (double t : x.ticks()) {
      double px = px(x, t);
      svg.append(line(px, TOP, px, H - BOTTOM, "#eaeef2"))
          .append(line(px, H - BOTTOM, px, H - BOTTOM + 4, "#57606a"))
          .append(label(px, H - BOTTOM + 17, Axis.format(t), "middle"));
    }
    yAxis(svg, y);
    axisTitles(svg, xName, yName);
    svg.append(frameLines());
  }

  private static void yAxis(StringBuilder svg, Axis y) {
    for (double t : y.ticks()) {
      double py = py(y, t);
      svg.append(line(LEFT, py, W - RIGHT, py, "#eaeef2"))
          .append(line(LEFT - 4, py, LEFT, py, "#57606a"))
          .append(label(LEFT - 7, py + 4, Axis.format(t), "end"));
    }
  }

  private static void axisTitles(StringBuilder svg, String xName, String yName) {
    double mid = TOP + plotH() / 2.0;
    svg.append(label(LEFT + plotW() / 2.0, H - 8, xName, "middle"))
        .append("<text x=\"16\" y=\"")
        .append(fmt(mid))
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
        .append(fmt(mid))
        .append(")\">")
        .append(escape(yName))
        .append("</text>");
  }

  private static String frameLines() {
    return line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#57606a")
        + line(LEFT, TOP, LEFT, H - BOTTOM, "#57606a");
  }

  private static double px(Axis x, double v) {
    return LEFT + plotW() * x.fraction(v);
  }

  private static double py(Axis y, double v) {
    return H - BOTTOM - plotH() * y.fraction(v);
  }

  /** Latencies of 0 (below the histogram's resolution) drawn at 1 µs on log axes. */
  private static double positive(double millis) {
    return Math.max(0.001, millis);
  }

  private static int plotW() {
    return W - LEFT - RIGHT;
  }

  private static int plotH() {
    return H - TOP - BOTTOM;
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\""
        + fmt(y2) + "\" stroke=\"" + color + "\"/>";
  }

  private static String rect(double x, double y, double w, double h, String color) {
    return "<rect x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" width=\"" + fmt(w) + "\" height=\""
        + fmt(Math.max(0, h)) + "\" fill=\"" + color + "\"/>";
  }

  private static String label(double x, double y, String text, String anchor) {
    return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">"
        + escape(text) + "</text>";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * A chart axis with round ticks: linear steps of 1, 2 or 5 times a power of ten from 0, or a
   * logarithmic axis over whole decades with ticks at 1, 2 and 5 of each (only 1 when the range
   * spans more than four decades).
   */
  record Axis(double min, double max, boolean log, List<Double> ticks) {

    static Axis linear(double min, double max, int targetTicks) {
      double range = max - min;
      if (!(range > 0)) {
        range = Math.max(1, Math.abs(max));
      }
      BigDecimal step = niceStep(range / targetTicks);
      BigDecimal lo = step.multiply(BigDecimal.valueOf(Math.floor(min / step.doubleValue())));
      long steps = Math.max(1, (long) Math.ceil((max - lo.doubleValue()) / step.doubleValue() - 1e-9));
      List<Double> ticks = new ArrayList<>();
      for (long k = 0; k <= steps; k++) {
        ticks.add(lo.add(step.multiply(BigDecimal.valueOf(k))).doubleValue());
      }
      return new Axis(lo.doubleValue(), ticks.get(ticks.size() - 1), false, ticks);
    }

    static Axis log(double minPositive, double maxPositive) {
      int e0 = (int) Math.floor(Math.log10(minPositive) + 1e-9);
      int e1 = Math.max(e0 + 1, (int) Math.ceil(Math.log10(maxPositive) - 1e-9));
      boolean wide = e1 - e0 > 4;
      int[] marks = wide ? new int[] {1} : new int[] {1, 2, 5};
      List<Double> all = new ArrayList<>();
      for (int e = e0; e <= e1; e++) {
        for (int m : marks) {
          all.add(BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue());
        }
      }
      // From the last mark at or below the minimum to the first at or above the maximum.
      int from = 0;
      while (from + 1 < all.size() && all.get(from + 1) <= minPositive * (1 + 1e-9)) {
        from++;
      }
      int to = all.size() - 1;
      while (to - 1 > from && all.get(to - 1) >= maxPositive * (1 - 1e-9)) {
        to--;
      }
      List<Double> ticks = List.copyOf(all.subList(from, to + 1));
      if (ticks.size() == 1) {
        ticks = List.of(ticks.get(0), all.get(Math.min(all.size() - 1, to + 1)));
      }
      return new Axis(ticks.get(0), ticks.get(ticks.size() - 1), true, ticks);
    }

    /** The 1, 2 or 5 times a power of ten nearest {@code raw} on a log scale. */
    static BigDecimal niceStep(double raw) {
      int e = (int) Math.floor(Math.log10(raw));
      double n = raw / Math.pow(10, e);
      // Cut points are the geometric means of 1-2, 2-5 and 5-10.
      int m = n < Math.sqrt(2) ? 1 : n < Math.sqrt(10) ? 2 : n < Math.sqrt(50) ? 5 : 10;
      return BigDecimal.valueOf(m).scaleByPowerOfTen(e);
    }

    double fraction(double v) {
      if (log) {
        double c = Math.max(min, Math.min(max, v));
        return Math.log10(c / min) / Math.log10(max / min);
      }
      return (v - min) / (max - min);
    }

    /** 0.5, 2, 1,000, 2.5: no trailing zeros, thousands grouped. */
    static String format(double v) {
      BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
      if (d.scale() <= 0) {
        return String.format(Locale.ROOT, "%,d", d.longValue());
      }
      return String.format(Locale.ROOT, "%,." + d.scale() + "f", v);
    }

  }
}
