package dev.dyntokens.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Bounds one exchange from the request being written to the last byte of the answer, unlike a read
 * timeout, which a body trickling in a byte at a time never trips. Added after the request is sent;
 * Reactor Netty removes it when the exchange ends. The timer runs on the channel's own event loop,
 * so it costs no cross-thread scheduling.
 */
final class ResponseDeadline extends ChannelInboundHandlerAdapter {
  static final String NAME = "dyntokens.responseDeadline";

  private final long nanos;
  private @Nullable ScheduledFuture<?> timer;
  private boolean fired;

  ResponseDeadline(long nanos) {
    this.nanos = nanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> fire(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void fire(ChannelHandlerContext ctx) {
    if (!fired && ctx.channel().isActive() && !ctx.isRemoved()) {
      fired = true;
      // Netty's own read-timeout signal: Reactor Netty ends the exchange with it as an error.
      ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
      ctx.close();
    }
  }
}
