package dev.dyntokens.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.logging.ByteBufFormat;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import java.nio.charset.StandardCharsets;

/**
 * Netty's wire logger with secrets masked: the {@code Authorization} header, bearer credentials and
 * every raw token are replaced before a line is formatted. Sits between TLS and the HTTP codec, so
 * it sees plaintext HTTP both ways.
 */
@ChannelHandler.Sharable
final class WireLogger extends LoggingHandler {
  static final String NAME = "dyntokens.wireLogger";
  static final String CATEGORY = "dev.dyntokens.wire";

  /** Longest part of one buffer logged. */
  private static final int MAX_LOGGED = 4096;

  WireLogger() {
    super(CATEGORY, LogLevel.DEBUG, ByteBufFormat.SIMPLE);
  }

  @Override
  protected String format(ChannelHandlerContext ctx, String eventName, Object arg) {
    ByteBuf buf = null;
    if (arg instanceof ByteBuf) {
      buf = (ByteBuf) arg;
    } else if (arg instanceof ByteBufHolder) {
      buf = ((ByteBufHolder) arg).content();
    }
    if (buf == null) {
      return super.format(ctx, eventName, arg);
    }
    int n = Math.min(buf.readableBytes(), MAX_LOGGED);
    String text = buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8);
    return ctx.channel()
        + " "
        + eventName
        + " "
        + buf.readableBytes()
        + "B\n"
        + Redactor.redact(text, null)
        + (n < buf.readableBytes() ? "\n…" : "");
  }
}
