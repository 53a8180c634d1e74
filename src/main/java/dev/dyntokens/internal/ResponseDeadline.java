package dev.dyntokens.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Bounds each exchange on a connection from the request being written to the last byte of the
 * answer, unlike a read timeout, which a body trickling in a byte at a time never trips.
 *
 * <p>One per connection, driven in-band on the event loop by {@link ExchangeGuard}, which knows
 * when a request goes out and when its answer ends. Adding and removing a handler per exchange (as
 * Reactor Netty's own {@code responseTimeout} does) costs two pipeline changes and a timer per
 * request; here a request costs a clock read, and the timer is lazy: one pending check per
 * connection, which re-arms itself for what is left of the current exchange when it fires early,
 * and lapses when the connection is idle.
 */
final class ResponseDeadline {
  private final Runnable onTimer = this::check;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> timer;
  private boolean armed;
  private long deadline;

  /** When the pending timer fires, on {@link System#nanoTime()}'s clock. */
  private long timerAt;

  /**
   * A request was written: its answer is due within {@code nanos}.
   *
   * @param ctx the guard's context: a timeout is signalled from there to Reactor Netty's bridge
   */
  void start(ChannelHandlerContext ctx, long nanos) {
    this.ctx = ctx;
    deadline = System.nanoTime() + nanos;
    armed = true;
    if (timer == null || timerAt - deadline > 0) {
      // None pending, or the pending one (set for an exchange with a longer timeout) fires late.
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      timerAt = deadline;
      timer = ctx.executor().schedule(onTimer, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The answer ended (or the connection is going): nothing is due. */
  void stop() {
    armed = false;
  }

  /** The connection is closed or the guard removed: no timer may outlive it. */
  void cancel() {
    armed = false;
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }

  private void check() {
    timer = null;
    ChannelHandlerContext c = ctx;
    if (!armed || c == null || c.isRemoved() || !c.channel().isActive()) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      // Scheduled for an earlier exchange: wait for what is left of this one.
      timerAt = deadline;
      timer = c.executor().schedule(onTimer, left, TimeUnit.NANOSECONDS);
      return;
    }
    armed = false;
    // Netty's own read-timeout signal: Reactor Netty ends the exchange with it as an error.
    c.fireExceptionCaught(ReadTimeoutException.INSTANCE);
    c.close();
  }
}
