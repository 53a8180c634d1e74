package dev.dyntokens.bench.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * An HdrHistogram interval log ({@link HistogramLogWriter} format) of one driver run: per interval
 * an untagged histogram of every call and one histogram tagged with the outcome label ({@code
 * Tag=5xx}, ...) per outcome seen in it. Values are microseconds. Timestamps are relative to the
 * run's wall-clock start (the {@code StartTime}/{@code BaseTime} header), so logs written on
 * several machines line up when merged.
 */
public final class IntervalLog implements AutoCloseable {
  /** Max-value column unit: microseconds / 1000 = milliseconds. */
  private static final double MAX_VALUE_UNIT_RATIO = 1000.0;

  private final PrintStream out;
  private final HistogramLogWriter writer;

  private IntervalLog(PrintStream out, long startEpochMillis, String description) {
    this.out = out;
    this.writer = new HistogramLogWriter(out);
    writer.outputComment("dynamic-token-client LoadDriver: " + description.replace("\n", " "));
    writer.outputComment(
        "latencies in microseconds (HistogramLogProcessor -outputValueUnitRatio 1000 for ms);"
            + " untagged: every call, Tag=<outcome>: the calls with that outcome");
    writer.outputLogFormatVersion();
    writer.outputStartTime(startEpochMillis);
    writer.setBaseTime(startEpochMillis);
    writer.outputBaseTime(startEpochMillis);
    writer.outputLegend();
    out.flush();
  }

  /** Creates (or truncates) {@code file} and writes the header. */
  public static IntervalLog create(Path file, long startEpochMillis, String description)
      throws IOException {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(Files.newOutputStream(file)), false, StandardCharsets.UTF_8);
    return new IntervalLog(out, startEpochMillis, description);
  }

  /**
   * Writes one interval; the tag of each histogram in {@code byOutcome} is set to its outcome's
   * label.
   *
   * @param fromMillis interval start, ms since the run's start
   * @param toMillis interval end, ms since the run's start
   */
  public synchronized void write(
      long fromMillis, long toMillis, Histogram all, Map<Outcome, Histogram> byOutcome) {
    double from = fromMillis / 1000.0;
    double to = toMillis / 1000.0;
    all.setTag(null);
    writer.outputIntervalHistogram(from, to, all, MAX_VALUE_UNIT_RATIO);
    for (Map.Entry<Outcome, Histogram> e : byOutcome.entrySet()) {
      Histogram h = e.getValue();
      if (h.getTotalCount() > 0) {
        h.setTag(e.getKey().label());
        writer.outputIntervalHistogram(from, to, h, MAX_VALUE_UNIT_RATIO);
      }
    }
    out.flush();
    if (out.checkError()) {
      throw new UncheckedIOException(new IOException("could not write the histogram log"));
    }
  }

  @Override
  public synchronized void close() {
    out.close();
  }
}
