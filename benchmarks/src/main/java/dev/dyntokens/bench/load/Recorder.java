package dev.dyntokens.bench.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Collects every call's outcome and latency. Latencies go to one HdrHistogram recorder per outcome
 * (lock-free for the recording threads); {@link #tick()} is called by one thread (the progress
 * printer, then the driver at the end) to fold each interval into the cumulative histograms, the
 * timeline and, if there is one, the interval log.
 */
public final class Recorder {
  /** Highest trackable latency: one hour, in microseconds. */
  static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  /**
   * One interval (about a second): its bounds in seconds since the start, rates a second, latency
   * percentiles of all calls that ended in it, and calls a second by outcome label.
   */
  public record Interval(
      double startSeconds,
      double endSeconds,
      double okPerSecond,
      double errorsPerSecond,
      double p50Millis,
      double p90Millis,
      double p99Millis,
      Map<String, Double> outcomesPerSecond) {

    /** Builds an interval from its histograms (microseconds), one per outcome. */
    public static Interval of(double startSeconds, double endSeconds, Map<Outcome, Histogram> byOutcome) {
      Histogram all = new Histogram(3); // auto-resizing: merged logs may hold larger values
      Map<String, Double> perSecond = new LinkedHashMap<>();
      double seconds = Math.max(1e-9, endSeconds - startSeconds);
      long ok = 0;
      long errors = 0;
      for (Outcome o : Outcome.values()) {
        Histogram h = byOutcome.get(o);
        long n = h == null ? 0 : h.getTotalCount();
        if (h != null) {
          all.add(h);
        }
        perSecond.put(o.label(), n / seconds);
        if (o == Outcome.SUCCESS) {
          ok += n;
        } else {
          errors += n;
        }
      }
      return new Interval(
          startSeconds,
          endSeconds,
          ok / seconds,
          errors / seconds,
          Summary.millis(all, 50),
          Summary.millis(all, 90),
          Summary.millis(all, 99),
          perSecond);
    }
  }

  private final Map<Outcome, org.HdrHistogram.Recorder> recorders = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Histogram> reuse = new EnumMap<>(Outcome.class);
  private final Histogram allTotal = new Histogram(MAX_MICROS, 3);
  private final Histogram okTotal = new Histogram(MAX_MICROS, 3);
  private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
  private final Map<String, LongAdder> byClass = new ConcurrentHashMap<>();
  private final LongAdder done = new LongAdder();
  private final List<Interval> timeline = new ArrayList<>();
  private final long startNanos;
  private final IntervalLog log;
  private long lastTickNanos;

  public Recorder(long startNanos) {
    this(startNanos, null);
  }

  /**
   * @param log where each interval is also written, or null
   */
  public Recorder(long startNanos, IntervalLog log) {
    this.startNanos = startNanos;
    this.lastTickNanos = startNanos;
    this.log = log;
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, new LongAdder());
      recorders.put(o, new org.HdrHistogram.Recorder(MAX_MICROS, 3));
    }
  }

  /** Records a success whose latency is counted from {@code fromNanos}. */
  public void success(long fromNanos) {
    recorders.get(Outcome.SUCCESS).recordValue(micros(fromNanos));
    outcomes.get(Outcome.SUCCESS).increment();
    done.increment();
  }

  /** Records a failure whose latency is counted from {@code fromNanos}. */
  public void failure(long fromNanos, Throwable error) {
    Outcome outcome = Outcome.of(error);
    recorders.get(outcome).recordValue(micros(fromNanos));
    outcomes.get(outcome).increment();
    byClass.computeIfAbsent(error.getClass().getSimpleName(), k -> new LongAdder()).increment();
    done.increment();
  }

  private static long micros(long fromNanos) {
    long micros = (System.nanoTime() - fromNanos) / 1000;
    return Math.max(0, Math.min(MAX_MICROS, micros));
  }

  public long done() {
    return done.sum();
  }

  public long count(Outcome outcome) {
    return outcomes.get(outcome).sum();
  }

  public long errors() {
    return done() - count(Outcome.SUCCESS);
  }

  /** Folds the latest interval in. Call from one thread at a time. */
  public synchronized Interval tick() {
    long now = System.nanoTime();
    Histogram all = new Histogram(MAX_MICROS, 3);
    for (Outcome o : Outcome.values()) {
      Histogram h = recorders.get(o).getIntervalHistogram(reuse.get(o));
      reuse.put(o, h);
      all.add(h);
      if (o == Outcome.SUCCESS) {
        okTotal.add(h);
      }
    }
    allTotal.add(all);
    Interval interval =
        Interval.of((lastTickNanos - startNanos) / 1e9, (now - startNanos) / 1e9, reuse);
    timeline.add(interval);
    if (log != null) {
      log.write(
          TimeUnit.NANOSECONDS.toMillis(lastTickNanos - startNanos),
          TimeUnit.NANOSECONDS.toMillis(now - startNanos),
          all,
          reuse);
    }
    lastTickNanos = now;
    return interval;
  }

  /** Cumulative latency of every completed call (microseconds). */
  public synchronized Histogram allLatencies() {
    return allTotal.copy();
  }

  /** Cumulative latency of successful calls (microseconds). */
  public synchronized Histogram successLatencies() {
    return okTotal.copy();
  }

  public synchronized List<Interval> timeline() {
    return List.copyOf(timeline);
  }

  public Map<Outcome, Long> outcomes() {
    Map<Outcome, Long> out = new EnumMap<>(Outcome.class);
    outcomes.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> errorsByClass() {
    Map<String, Long> out = new TreeMap<>();
    byClass.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
