package dev.dyntokens.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Drops interim answers (102 Processing, 103 Early Hints, any 1xx but 100 and 101) before Reactor
 * Netty sees them.
 *
 * <p>Reactor Netty skips 100 Continue but takes any other 1xx for the final answer: a create would
 * fail with "HTTP 103" while the server goes on to create the token, whose secret then nobody
 * holds, and the real answer would arrive on a connection already back in the pool. A client must
 * parse and ignore a 1xx it did not expect (RFC 9110, section 15.2). 100 is left to Reactor Netty,
 * which handles it; 101 means a protocol switch this client never asks for, so it stays an error.
 * The response deadline keeps running across interim answers: a server sending only 1xx still times
 * out.
 */
final class InterimAnswers extends ChannelInboundHandlerAdapter {
  static final String NAME = "dyntokens.interimAnswers";

  /** Inside an interim answer, until its last part (a decoded 1xx always has an empty one). */
  private boolean skipping;

  /** What this read brought so far: an interim part, a part passed on. */
  private boolean skippedInRead;

  private boolean passedInRead;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if ((msg instanceof HttpResponse response && isInterim(response.status().code()))
        || (skipping && msg instanceof HttpContent)) {
      skipping = !(msg instanceof LastHttpContent);
      skippedInRead = true;
      ReferenceCountUtil.release(msg);
      return;
    }
    passedInRead = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Reactor Netty reads on demand (auto-read off) and asks for more only when a message reaches
    // it: if this read brought nothing but an interim answer, ask for the rest ourselves, as
    // Netty's own decoders do, or the final answer would sit unread in the socket.
    if (skippedInRead && !passedInRead && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    skippedInRead = false;
    passedInRead = false;
    ctx.fireChannelReadComplete();
  }

  static boolean isInterim(int code) {
    return code >= 102 && code < 200;
  }
}
