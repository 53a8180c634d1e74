package dev.dyntokens.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints one progress line to stderr about once a second. */
public final class Progress implements AutoCloseable {
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "load-progress");
            t.setDaemon(true);
            return t;
          });
  private final Recorder recorder;
  private final long total;
  private final PrintStream err;

  /**
   * @param total the number of calls planned, or -1 when the run is bounded by time
   */
  public Progress(Recorder recorder, long total, PrintStream err) {
    this.recorder = recorder;
    this.total = total;
    this.err = err;
  }

  public Progress start() {
    timer.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  private void print() {
    Recorder.Interval i = recorder.tick();
    double p99 = recorder.allLatencies().getValueAtPercentile(99) / 1000.0;
    err.println(
        String.format(
            Locale.ROOT,
            "[%6.1fs] %,d/%s done  %,.0f/s  errors %,d  p99 %.2f ms",
            i.endSeconds(),
            recorder.done(),
            total < 0 ? "-" : String.format(Locale.ROOT, "%,d", total),
            i.okPerSecond() + i.errorsPerSecond(),
            recorder.errors(),
            p99));
  }

  /** Stops printing; the caller folds in the last interval with {@link Recorder#tick()}. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
