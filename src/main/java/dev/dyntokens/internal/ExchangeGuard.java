package dev.dyntokens.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * Follows the exchanges on one connection (a request written, its answer's last part read) and acts
 * on them: it times each with the connection's {@link ResponseDeadline}, and keeps a pooled
 * connection from carrying a request while an abandoned exchange's answer may still arrive on it.
 *
 * <p>When a caller cancels after its request was written, Reactor Netty keeps the connection, reads
 * the late answer, puts the connection back in the pool, and closes it some milliseconds later on
 * behalf of the cancelled exchange, by which time another call may have written its request on it.
 * That call then fails with "connection closed after the request was written": for a create, an
 * ambiguous failure that may leave a token nobody holds ({@code CancellationIsolationTest} shows it
 * with {@link #abandon} switched off).
 *
 * <p>So each request written here is numbered; a cancelled attempt {@linkplain #abandon abandons}
 * its number, and if that exchange is still open its connection is closed at once, on its event
 * loop, before anyone else can take it. Should the answer complete first, it is dropped and the
 * connection closed instead of handed on. Belt and braces: a request written while an answer is
 * still due is refused unsent ({@link StaleConnectionException}, safe to retry) and the connection
 * closed, so no call can ever read another call's answer.
 *
 * <p>Each exchange carries its own response timeout ({@link #expect}): clients with different
 * timeouts may share one caller's pool, and so one connection.
 */
final class ExchangeGuard extends ChannelDuplexHandler {
  static final String NAME = "dyntokens.exchangeGuard";

  private final ResponseDeadline deadline = new ResponseDeadline();
  private @Nullable ChannelHandlerContext ctx;

  /**
   * The response timeout of the next request written here, kept until the next {@link #expect}: a
   * request Reactor Netty sends again by itself keeps its attempt's bound. Event loop only.
   */
  private long nextTimeoutNanos = ClientConfig.DEFAULT_RESPONSE_TIMEOUT.toNanos();

  /** The number of the request last written here; event loop only. */
  private int exchange;

  /** Whether the answer to {@link #exchange} is still due; event loop only. */
  private boolean open;

  private boolean informational;
  private boolean refusing;

  /** The exchange a caller gave up on, 0 for none; written by any thread. */
  private volatile int abandoned;

  /**
   * Adds the connection's handlers unless it has them: once per connection (per stream on HTTP/2),
   * just before Reactor Netty's bridge, where requests and answers pass as HTTP objects. Called on
   * the channel's event loop before a request is written. Interim answers are dropped before they
   * reach the guard.
   */
  static ExchangeGuard install(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    ExchangeGuard existing = (ExchangeGuard) pipeline.get(NAME);
    if (existing != null) {
      return existing;
    }
    ExchangeGuard guard = new ExchangeGuard();
    if (pipeline.context(NettyPipeline.ReactiveBridge) != null) {
      pipeline.addBefore(NettyPipeline.ReactiveBridge, NAME, guard);
    } else {
      pipeline.addLast(NAME, guard);
    }
    pipeline.addBefore(NAME, InterimAnswers.NAME, new InterimAnswers());
    return guard;
  }

  private ExchangeGuard() {}

  /**
   * The next request written here is due its answer within {@code responseTimeoutNanos}; returns
   * the number it will carry. Event loop only, before the write.
   */
  int expect(long responseTimeoutNanos) {
    nextTimeoutNanos = responseTimeoutNanos;
    return exchange + 1;
  }

  /** A caller gave up on exchange {@code number}; safe from any thread. */
  void abandon(int number) {
    abandoned = number;
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.executor().execute(() -> closeIfOpen(number));
    }
  }

  private void closeIfOpen(int number) {
    ChannelHandlerContext c = ctx;
    if (open && exchange == number && c != null) {
      end();
      c.close();
    }
  }

  /** The exchange is over: answered, abandoned or refused. */
  private void end() {
    open = false;
    deadline.stop();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline.cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    deadline.cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpRequest) {
      if (open) {
        refusing = true;
      } else {
        exchange++;
        open = true;
        deadline.start(ctx, nextTimeoutNanos);
      }
    }
    if (refusing) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(new StaleConnectionException());
      ctx.close();
      return;
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpResponse response) {
      informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
    // A 100 Continue ends, but the exchange goes on (InterimAnswers drops the other 1xx). The
    // exchange ends before the answer is passed on: passing it on may hand the connection to the
    // next call, whose request (written in the same stack) starts a new one.
    if (msg instanceof LastHttpContent && !informational && open) {
      end();
      if (abandoned == exchange) {
        // The answer nobody waits for: closed here, before passing it on could hand the
        // connection to the next call in the same stack.
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
    }
    super.channelRead(ctx, msg);
  }
}
