package dev.dyntokens.bench.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pass/fail limits for CI: {@code --max-p99}, {@code --max-error-rate}, {@code --min-throughput}.
 * A null limit is not checked. The p99 and the error rate are over all calls; throughput counts
 * every completed call, whatever its outcome, per second of the run.
 */
public record Thresholds(Duration maxP99, Double maxErrorRate, Double minThroughput) {

  public static Thresholds none() {
    return new Thresholds(null, null, null);
  }

  public boolean any() {
    return maxP99 != null || maxErrorRate != null || minThroughput != null;
  }

  /**
   * The failed thresholds, each with the measured value, or an empty list.
   *
   * @param p99Millis p99 latency of all calls, in ms
   * @param errorRate failed calls / calls (0 when there were no calls)
   * @param throughput calls a second
   */
  public List<String> failures(double p99Millis, double errorRate, double throughput) {
    List<String> out = new ArrayList<>();
    if (maxP99 != null && p99Millis > maxP99.toNanos() / 1e6) {
      out.add(
          String.format(
              Locale.ROOT,
              "--max-p99: p99 %.2f ms > %s ms",
              p99Millis,
              trim(maxP99.toNanos() / 1e6)));
    }
    if (maxErrorRate != null && errorRate > maxErrorRate) {
      out.add(
          String.format(
              Locale.ROOT,
              "--max-error-rate: error rate %.4f > %s",
              errorRate,
              trim(maxErrorRate)));
    }
    if (minThroughput != null && throughput < minThroughput) {
      out.add(
          String.format(
              Locale.ROOT,
              "--min-throughput: throughput %,.1f calls/s < %s calls/s",
              throughput,
              trim(minThroughput)));
    }
    return out;
  }

  /** Prints the result of the check to {@code err} and returns the exit status: 0 or 1. */
  public int check(double p99Millis, double errorRate, double throughput, PrintStream err) {
    if (!any()) {
      return 0;
    }
    List<String> failed = failures(p99Millis, errorRate, throughput);
    if (failed.isEmpty()) {
      err.println("thresholds: passed");
      return 0;
    }
    for (String f : failed) {
      err.println("threshold failed: " + f);
    }
    return 1;
  }

  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  /** Collects threshold flags; shared by the driver's and the merge mode's parsers. */
  public static final class Builder {
    private Duration maxP99;
    private Double maxErrorRate;
    private Double minThroughput;

    /**
     * Takes {@code args[i]} and its value if it is a threshold flag.
     *
     * @return whether it was one (the caller then skips the value)
     */
    public boolean accept(String[] args, int i) {
      String flag = args[i];
      switch (flag) {
        case "--max-p99" -> {
          Duration d = Options.duration(Options.value(args, i + 1, flag), flag);
          if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--max-p99 must be more than 0");
          }
          maxP99 = d;
        }
        case "--max-error-rate" -> {
          double r = number(Options.value(args, i + 1, flag), flag);
          if (r < 0 || r > 1) {
            throw new IllegalArgumentException("--max-error-rate must be between 0 and 1");
          }
          maxErrorRate = r;
        }
        case "--min-throughput" -> {
          double n = number(Options.value(args, i + 1, flag), flag);
          if (n < 0) {
            throw new IllegalArgumentException("--min-throughput must be >= 0");
          }
          minThroughput = n;
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    public Thresholds build() {
      return new Thresholds(maxP99, maxErrorRate, minThroughput);
    }

    private static double number(String s, String flag) {
      try {
        double v = Double.parseDouble(s);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": not a number: " + s);
      }
    }
  }
}
