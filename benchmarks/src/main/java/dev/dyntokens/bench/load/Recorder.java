package dev.dyntokens.bench.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Collects every call's outcome and latency. Latencies go to HdrHistogram recorders (lock-free for
 * the recording threads); {@link #tick()} is called by one thread (the progress printer, then the
 * driver at the end) to fold each interval into the cumulative histograms and the timeline.
 */
public final class Recorder {
  /** Highest trackable latency: one hour, in microseconds. */
  private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  /** One progress interval: when it ended, its rates and its p99. */
  public record Interval(double endSeconds, double okPerSecond, double errorsPerSecond, double p99Millis) {}

  private final org.HdrHistogram.Recorder all = new org.HdrHistogram.Recorder(MAX_MICROS, 3);
  private final org.HdrHistogram.Recorder ok = new org.HdrHistogram.Recorder(MAX_MICROS, 3);
  private final Histogram allTotal = new Histogram(MAX_MICROS, 3);
  private final Histogram okTotal = new Histogram(MAX_MICROS, 3);
  private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
  private final Map<String, LongAdder> byClass = new ConcurrentHashMap<>();
  private final LongAdder done = new LongAdder();
  private final List<Interval> timeline = new ArrayList<>();
  private final long startNanos;
  private Histogram reuse;
  private long lastTickNanos;
  private long lastOk;
  private long lastErrors;

  public Recorder(long startNanos) {
    this.startNanos = startNanos;
    this.lastTickNanos = startNanos;
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, new LongAdder());
    }
  }

  /** Records a success whose latency is counted from {@code fromNanos}. */
  public void success(long fromNanos) {
    long micros = micros(fromNanos);
    all.recordValue(micros);
    ok.recordValue(micros);
    outcomes.get(Outcome.SUCCESS).increment();
    done.increment();
  }

  /** Records a failure whose latency is counted from {@code fromNanos}. */
  public void failure(long fromNanos, Throwable error) {
    all.recordValue(micros(fromNanos));
    outcomes.get(Outcome.of(error)).increment();
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
    reuse = all.getIntervalHistogram(reuse);
    allTotal.add(reuse);
    double p99 = reuse.getTotalCount() == 0 ? 0 : reuse.getValueAtPercentile(99) / 1000.0;
    Histogram okInterval = ok.getIntervalHistogram();
    okTotal.add(okInterval);
    long okNow = count(Outcome.SUCCESS);
    long errorsNow = errors();
    double seconds = Math.max(1e-9, (now - lastTickNanos) / 1e9);
    Interval interval =
        new Interval(
            (now - startNanos) / 1e9,
            (okNow - lastOk) / seconds,
            (errorsNow - lastErrors) / seconds,
            p99);
    timeline.add(interval);
    lastTickNanos = now;
    lastOk = okNow;
    lastErrors = errorsNow;
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
