package dev.dyntokens.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A self-contained HTML report: the summary, a latency-by-percentile chart and a throughput-over-
 * time chart, both inline SVG. No scripts, no fonts or styles from the network.
 */
public final class HtmlReport {
  private static final int W = 760;
  private static final int H = 320;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 50;

  private HtmlReport() {}

  public static void write(Summary s, Path file) throws IOException {
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>dynamic-token-client load report</title>"
            + "<style>body{font-family:sans-serif;margin:2em;max-width:820px}"
            + "pre{background:#f4f4f4;padding:1em;overflow-x:auto}"
            + "svg{background:#fff;border:1px solid #ddd}</style></head><body>\n"
            + "<h1>Load report</h1>\n<pre>"
            + escape(s.text())
            + "</pre>\n<h2>Latency by percentile (all calls)</h2>\n"
            + percentileChart(s.allLatencies())
            + "\n<h2>Throughput over time</h2>\n"
            + throughputChart(s.timeline())
            + "\n</body></html>\n";
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  /** x: percentile on a log scale of 1/(1-p); y: latency in ms. */
  static String percentileChart(Histogram h) {
    StringBuilder svg = open();
    if (h.getTotalCount() == 0) {
      return svg.append(label(W / 2.0, H / 2.0, "no data", "middle")).append("</svg>").toString();
    }
    int decades = 5; // up to 99.999%
    double maxMs = Math.max(0.001, h.getMaxValue() / 1000.0);
    List<double[]> points = new ArrayList<>();
    for (HistogramIterationValue v : h.percentiles(5)) {
      double p = Math.min(v.getPercentileLevelIteratedTo() / 100.0, 1 - Math.pow(10, -decades));
      double x = Math.log10(1 / (1 - p));
      points.add(new double[] {x, v.getValueIteratedTo() / 1000.0});
    }
    axes(svg, "percentile", "latency (ms)");
    String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int d = 0; d <= decades; d++) {
      double x = LEFT + plotW() * d / decades;
      svg.append(gridX(x)).append(label(x, H - BOTTOM + 16, names[d], "middle"));
    }
    yTicks(svg, maxMs, "%.2f");
    StringBuilder poly = new StringBuilder();
    for (double[] p : points) {
      poly.append(fmt(LEFT + plotW() * p[0] / decades))
          .append(',')
          .append(fmt(y(p[1], maxMs)))
          .append(' ');
    }
    svg.append("<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"")
        .append(poly.toString().trim())
        .append("\"/>");
    return svg.append("</svg>").toString();
  }

  /** Stacked bars per progress interval: successes (green) and errors (red) per second. */
  static String throughputChart(List<Recorder.Interval> timeline) {
    StringBuilder svg = open();
    if (timeline.isEmpty()) {
      return svg.append(label(W / 2.0, H / 2.0, "no data", "middle")).append("</svg>").toString();
    }
    double maxT = timeline.get(timeline.size() - 1).endSeconds();
    double maxRate = 1;
    for (Recorder.Interval i : timeline) {
      maxRate = Math.max(maxRate, i.okPerSecond() + i.errorsPerSecond());
    }
    axes(svg, "time (s)", "calls/s");
    yTicks(svg, maxRate, "%,.0f");
    double prev = 0;
    for (Recorder.Interval i : timeline) {
      double x0 = LEFT + plotW() * prev / maxT;
      double x1 = LEFT + plotW() * i.endSeconds() / maxT;
      double w = Math.max(1, x1 - x0 - 1);
      double okTop = y(i.okPerSecond(), maxRate);
      double errTop = y(i.okPerSecond() + i.errorsPerSecond(), maxRate);
      svg.append(rect(x0, okTop, w, H - BOTTOM - okTop, "#2da44e"));
      if (i.errorsPerSecond() > 0) {
        svg.append(rect(x0, errTop, w, okTop - errTop, "#cf222e"));
      }
      prev = i.endSeconds();
    }
    for (int k = 0; k <= 5; k++) {
      double t = maxT * k / 5;
      double x = LEFT + plotW() * k / 5;
      svg.append(label(x, H - BOTTOM + 16, String.format(Locale.ROOT, "%.1f", t), "middle"));
    }
    svg.append(label(W - RIGHT, TOP + 12, "green: successes/s, red: errors/s", "end"));
    return svg.append("</svg>").toString();
  }

  private static StringBuilder open() {
    return new StringBuilder()
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W)
        .append("\" height=\"")
        .append(H)
        .append("\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" font-size=\"11\">");
  }

  private static void axes(StringBuilder svg, String xName, String yName) {
    svg.append(line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#333"))
        .append(line(LEFT, TOP, LEFT, H - BOTTOM, "#333"))
        .append(label(LEFT + plotW() / 2.0, H - 12, xName, "middle"))
        .append("<text x=\"14\" y=\"")
        .append(fmt(TOP + plotH() / 2.0))
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
        .append(fmt(TOP + plotH() / 2.0))
        .append(")\">")
        .append(escape(yName))
        .append("</text>");
  }

  private static void yTicks(StringBuilder svg, double max, String format) {
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      double y = y(v, max);
      svg.append(line(LEFT, y, W - RIGHT, y, "#eee"))
          .append(label(LEFT - 6, y + 4, String.format(Locale.ROOT, format, v), "end"));
    }
  }

  private static String gridX(double x) {
    return line(x, TOP, x, H - BOTTOM, "#eee");
  }

  private static double y(double v, double max) {
    return H - BOTTOM - plotH() * v / max;
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
}
