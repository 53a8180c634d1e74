package dev.dyntokens.internal;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for idempotency keys and reconcile markers. They must be unique, not unguessable, so
 * they come from {@link ThreadLocalRandom}: {@code UUID.randomUUID()} reads {@code SecureRandom},
 * which may block on an event loop.
 */
final class Ids {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private Ids() {}

  /**
   * A random (version 4) UUID as ASCII bytes, ready for a header: the encoder copies an {@link
   * AsciiString} as it is, where a {@code String} is written a character at a time.
   */
  static AsciiString uuidAscii() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    byte[] out = new byte[36];
    hex(msb >>> 32, out, 0, 8);
    out[8] = '-';
    hex(msb >>> 16, out, 9, 4);
    out[13] = '-';
    hex(msb, out, 14, 4);
    out[18] = '-';
    hex(lsb >>> 48, out, 19, 4);
    out[23] = '-';
    hex(lsb, out, 24, 12);
    return new AsciiString(out, false);
  }

  /** Writes the low {@code digits} hex digits of {@code value} into {@code out} at {@code at}. */
  private static void hex(long value, byte[] out, int at, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /** {@code length} random letters and digits (about 5.95 bits each). */
  static String alphanumeric(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
