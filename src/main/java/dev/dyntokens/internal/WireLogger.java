package dev.dyntokens.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.logging.ByteBufFormat;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
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

  /** How much of a buffer's end is examined for a secret that runs on into the next buffer. */
  private static final int TAIL = 256;

  private static final AttributeKey<Boolean> READ_CARRY =
      AttributeKey.valueOf("dyntokens.wireLogger.readCarry");
  private static final AttributeKey<Boolean> WRITE_CARRY =
      AttributeKey.valueOf("dyntokens.wireLogger.writeCarry");

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
        + "B\n"
        + Redactor.redactContinuing(text, continuing)
        + (n < readable ? "\n…" : "");
  }
}
