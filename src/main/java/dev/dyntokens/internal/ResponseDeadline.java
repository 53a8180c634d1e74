package dev.dyntokens.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Bounds each exchange on a connection from the request being written to the last byte of the
 * answer, unlike a read timeout, which a body trickling in a byte at a time never trips.
 *
 * <p>It stays in the connection's pipeline for the connection's life and is armed by each request
 * it sees written and disarmed by the answer's last part, both in-band on the event loop. Adding
 * and removing a handler per exchange (as Reactor Netty's own {@code responseTimeout} does) costs
 * two pipeline changes and a timer per request; here a request costs a clock read, and the timer is
 * lazy: one pending check per connection, which re-arms itself for what is left of the current
 * exchange when it fires early, and lapses when the connection is idle.
 */
final class ResponseDeadline extends ChannelDuplexHandler {
  static final String NAME = "dyntokens.responseDeadline";

  private final long nanos;
  private final Runnable onTimer = this::check;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> timer;
  private boolean armed;
  private boolean informational;
  private long deadline;

  ResponseDeadline(long nanos) {
    this.nanos = nanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopTimer();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    armed = false;
    stopTimer();
    super.channelInactive(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpRequest) {
      arm(ctx);
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    // Disarmed before passing the answer on: passing it on may hand the connection to the next
    // exchange, whose request (written in the same stack) arms the deadline afresh.
    if (msg instanceof HttpResponse) {
      // A 100 Continue ends, but the exchange goes on (InterimAnswers drops the other 1xx).
      informational = ((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
    if (msg instanceof LastHttpContent && !informational) {
      armed = false;
    }
    super.channelRead(ctx, msg);
  }

  private void arm(ChannelHandlerContext ctx) {
    deadline = System.nanoTime() + nanos;
    armed = true;
    if (timer == null) {
      timer = ctx.executor().schedule(onTimer, nanos, TimeUnit.NANOSECONDS);
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
      timer = c.executor().schedule(onTimer, left, TimeUnit.NANOSECONDS);
      return;
    }
    armed = false;
    // Netty's own read-timeout signal: Reactor Netty ends the exchange with it as an error.
    c.fireExceptionCaught(ReadTimeoutException.INSTANCE);
    c.close();
  }

  private void stopTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }
}
