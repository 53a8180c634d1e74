package dev.dyntokens.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The timer of call deadlines: the Netty event loop the call was subscribed on, when it is one of
 * the transport's, else {@link Schedulers#parallel()}. Every call arms one deadline and almost
 * every call cancels it; on its own event loop that is a task in the loop's own queue, where {@code
 * Schedulers.parallel()} takes a lock shared with the other loops and often wakes a timer thread
 * (benchmarks/README.md has the figures). Off the loops (a caller's thread, a test on virtual time)
 * it is {@code Schedulers.parallel()} as Reactor resolves it at that moment.
 */
final class LoopTimer implements Scheduler {
  /** No loops of its own: every deadline runs on {@code Schedulers.parallel()}. */
  static final LoopTimer PARALLEL = new LoopTimer(new EventExecutor[0]);

  private final EventExecutor[] loops;

  private LoopTimer(EventExecutor[] loops) {
    this.loops = loops;
  }

  /** A timer on {@code group}'s loops. */
  static LoopTimer on(EventLoopGroup group) {
    List<EventExecutor> loops = new ArrayList<>();
    group.forEach(loops::add);
    return new LoopTimer(loops.toArray(new EventExecutor[0]));
  }

  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    for (EventExecutor loop : loops) {
      if (loop.inEventLoop() && !loop.isShuttingDown()) {
        try {
          return new OnLoop(loop, task, unit.toNanos(delay));
        } catch (RejectedExecutionException shuttingDown) {
          break;
        }
      }
    }
    return Schedulers.parallel().schedule(task, delay, unit);
  }

  /**
   * A timer on a loop. A loop that shuts down cancels what it has scheduled; a deadline must still
   * fire, so the rest of its time then runs on {@code Schedulers.parallel()}.
   */
  private static final class OnLoop implements Disposable, GenericFutureListener<Future<Object>> {
    private final Runnable task;
    private final long dueNanos;
    private final ScheduledFuture<?> onLoop;
    private volatile @Nullable Disposable moved;
    private volatile boolean disposed;

    OnLoop(EventExecutor loop, Runnable task, long delayNanos) {
      this.task = task;
      this.dueNanos = System.nanoTime() + delayNanos;
      this.onLoop = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      @SuppressWarnings("unchecked")
      Future<Object> future = (Future<Object>) onLoop;
      future.addListener(this);
    }

    @Override
    public void operationComplete(Future<Object> future) {
      if (future.isCancelled() && !disposed) {
        long left = Math.max(0, dueNanos - System.nanoTime());
        moved = Schedulers.parallel().schedule(task, left, TimeUnit.NANOSECONDS);
        if (disposed) {
          dispose();
        }
      }
    }

    @Override
    public void dispose() {
      disposed = true;
      onLoop.cancel(false);
      Disposable other = moved;
      if (other != null) {
        other.dispose();
      }
    }

    @Override
    public boolean isDisposed() {
      return disposed;
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

  /** Shares Reactor's scheduler and the transport's loops, whose owners dispose of them. */
  @Override
  public void dispose() {}
}
