package dev.dyntokens.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The timer of call deadlines: one Netty {@link HashedWheelTimer} shared by every client, as
 * Reactor's own schedulers are. Every call arms one deadline and almost every call cancels it;
 * {@link Schedulers#parallel()} does that under a lock shared by every thread and often wakes its
 * timer thread, where the wheel takes a slot in a lock-free queue (benchmarks/README.md has the
 * figures). A deadline fires up to one tick late; what it runs is Reactor's {@code timeout}
 * fallback, which hands the failure on at once.
 *
 * <p>{@link #PARALLEL} runs every timer on {@code Schedulers.parallel()} as Reactor resolves it at
 * that moment, so tests on virtual time drive it.
 */
final class DeadlineTimer implements Scheduler {
  /** Well below what a deadline is set to (whole milliseconds, seldom below a second). */
  static final long TICK_MILLIS = 10;

  /** No wheel: every timer on {@code Schedulers.parallel()}. */
  static final DeadlineTimer PARALLEL = new DeadlineTimer(null);

  private final @Nullable HashedWheelTimer wheel;

  /** A timer on {@code wheel}; {@link #shared()} is the one clients use. */
  DeadlineTimer(@Nullable HashedWheelTimer wheel) {
    this.wheel = wheel;
  }

  /** The wheel every client shares; its daemon thread starts with the first client. */
  static DeadlineTimer shared() {
    return Shared.TIMER;
  }

  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    HashedWheelTimer w = wheel;
    if (w == null) {
      return Schedulers.parallel().schedule(task, delay, unit);
    }
    Armed armed = new Armed(task);
    armed.timeout = w.newTimeout(armed, delay, unit);
    return armed;
  }

  /**
   * One deadline on the wheel. A cancelled timeout stays in the wheel until its next tick, later on
   * a loaded machine: cancelling lets go of the task at once, since through it the wheel would
   * reach the call's subscribers, and the token a call delivered with them.
   */
  private static final class Armed implements TimerTask, Disposable {
    private volatile @Nullable Runnable task;
    private volatile @Nullable Timeout timeout;

    Armed(Runnable task) {
      this.task = task;
    }

    @Override
    public void run(Timeout fired) {
      Runnable t = task;
      if (t != null) {
        t.run();
      }
    }

    @Override
    public void dispose() {
      task = null;
      Timeout armed = timeout;
      if (armed != null) {
        armed.cancel();
      }
    }

    @Override
    public boolean isDisposed() {
      return task == null;
    }
  }

  @Override
  public Disposable schedule(Runnable task) {
    return Schedulers.parallel().schedule(task);
  }

  @Override
  public long now(TimeUnit unit) {
    return Schedulers.parallel().now(unit);
  }

  @Override
  public Worker createWorker() {
    return Schedulers.parallel().createWorker();
  }

  /** Shared by every client for the life of the JVM, as {@code Schedulers.parallel()} is. */
  @Override
  public void dispose() {}

  /**
   * Started here, when the first client is built: a wheel started on its first deadline would make
   * that caller wait for the thread, on an event loop perhaps.
   */
  private static final class Shared {
    static final DeadlineTimer TIMER = new DeadlineTimer(startWheel());

    private static HashedWheelTimer startWheel() {
      ThreadFactory threads = WheelThread::new;
      HashedWheelTimer wheel =
          new HashedWheelTimer(threads, TICK_MILLIS, TimeUnit.MILLISECONDS, 512);
      wheel.start();
      return wheel;
    }
  }

  /**
   * What a deadline runs (the call's failure, and whatever the caller chained after it) runs here:
   * marked {@link NonBlocking}, as Reactor's own timer threads are, so a blocking call on it fails
   * fast in Reactor and is reported by BlockHound instead of delaying every other deadline.
   */
  private static final class WheelThread extends Thread implements NonBlocking {
    WheelThread(Runnable task) {
      super(task, "dyntokens-deadlines");
      setDaemon(true);
    }
  }
}
