package dev.dyntokens.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.logging.ByteBufFormat;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import reactor.netty.NettyPipeline;

/**
 * Netty's wire logger with secrets masked: the {@code Authorization} header, bearer credentials and
 * every raw token are replaced before a line is formatted. On HTTP/1.1 it sits between TLS and the
 * HTTP codec, so it sees plaintext HTTP both ways. On HTTP/2 the connection carries binary frames
 * (HPACK-coded headers a mask cannot see into), so there it stays silent, and a second one on each
 * stream ({@link #installOnStream}) logs the stream's requests and answers as HTTP objects, their
 * headers and bodies masked the same way.
 */
@ChannelHandler.Sharable
final class WireLogger extends LoggingHandler {
  static final String NAME = "dyntokens.wireLogger";
  static final String CATEGORY = "dev.dyntokens.wire";

  /** Longest part of one buffer logged. */
  private static final int MAX_LOGGED = 4096;

  /** How much of a buffer's end is examined for a secret that runs on into the next buffer. */
  private static final int TAIL = 256;

  private static final AttributeKey<Boolean> READ_CARRY =
      AttributeKey.valueOf("dyntokens.wireLogger.readCarry");
  private static final AttributeKey<Boolean> WRITE_CARRY =
      AttributeKey.valueOf("dyntokens.wireLogger.writeCarry");

  /** The one on HTTP/2 streams; stateless but for the per-channel flags. */
  private static final WireLogger STREAMS = new WireLogger();

  WireLogger() {
    super(CATEGORY, LogLevel.DEBUG, ByteBufFormat.SIMPLE);
  }

  /** Adds the logger to an HTTP/2 stream's pipeline, unless it has one. Event loop only. */
  static void installOnStream(Channel stream) {
    ChannelPipeline pipeline = stream.pipeline();
    if (!(stream instanceof Http2StreamChannel) || pipeline.get(NAME) != null) {
      return;
    }
    if (pipeline.context(NettyPipeline.ReactiveBridge) != null) {
      pipeline.addBefore(NettyPipeline.ReactiveBridge, NAME, STREAMS);
    } else {
      pipeline.addLast(NAME, STREAMS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (carriesHttp2Frames(ctx)) {
      ctx.fireChannelRead(msg);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (carriesHttp2Frames(ctx)) {
      ctx.write(msg, promise);
      return;
    }
    super.write(ctx, msg, promise);
  }

  /** Whether this is a connection that negotiated HTTP/2: its bytes are frames, not text. */
  private static boolean carriesHttp2Frames(ChannelHandlerContext ctx) {
    if (ctx.channel() instanceof Http2StreamChannel) {
      return false;
    }
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl != null && "h2".equals(ssl.applicationProtocol());
  }

  @Override
  protected String format(ChannelHandlerContext ctx, String eventName, Object arg) {
    ByteBuf buf = null;
    if (arg instanceof ByteBuf) {
      buf = (ByteBuf) arg;
    } else if (arg instanceof ByteBufHolder) {
      buf = ((ByteBufHolder) arg).content();
    }
    // An HTTP/2 stream's request or answer head: its headers, Authorization among them.
    String head = arg instanceof HttpMessage ? "\n" + Redactor.redact(arg.toString(), null) : "";
    if (buf == null) {
      return head.isEmpty()
          ? super.format(ctx, eventName, arg)
          : ctx.channel() + " " + eventName + head;
    }
    int readable = buf.readableBytes();
    int n = Math.min(readable, MAX_LOGGED);
    String text = buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8);
    // A secret can be split over two reads (or writes): the piece in the second one must be masked
    // although it no longer starts like a secret. Only a flag is kept, never any of the text.
    Attribute<Boolean> carry =
        ctx.channel().attr(eventName.startsWith("READ") ? READ_CARRY : WRITE_CARRY);
    boolean continuing = Boolean.TRUE.equals(carry.get());
    int tailLength = Math.min(readable, TAIL);
    String tail =
        n == readable && tailLength == readable
            ? text
            : buf.toString(
                buf.readerIndex() + readable - tailLength, tailLength, StandardCharsets.UTF_8);
    carry.set(Redactor.mayContinue(tail, continuing && tailLength == readable));
    return ctx.channel()
        + " "
        + eventName
        + " "
        + readable
        + "B"
        + head
        + "\n"
        + Redactor.redactContinuing(text, continuing)
        + (n < readable ? "\n…" : "");
  }
}
