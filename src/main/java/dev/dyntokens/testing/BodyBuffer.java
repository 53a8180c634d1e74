package dev.dyntokens.testing;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The bytes of a body read so far, up to a limit; keeps them only when asked to. Filled from one
 * subscriber's signals, one at a time.
 */
final class BodyBuffer {
  /** Thrown, without a stack trace, when a body goes past the limit; cancels the read. */
  static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }

  private final int max;
  private final boolean keep;
  private byte[] bytes = new byte[0];
  private int size;

  BodyBuffer(int max, boolean keep) {
    this.max = max;
    this.keep = keep;
  }

  void append(ByteBuf buf) {
    int n = buf.readableBytes();
    if (n > max - size) {
      throw new BodyTooLarge();
    }
    if (keep) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(size + n, bytes.length * 2)));
      }
      buf.getBytes(buf.readerIndex(), bytes, size, n);
    }
    size += n;
  }

  byte[] bytes() {
    return bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
  }
}
