package dev.dyntokens.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for idempotency keys and reconcile markers. They must be unique, not unguessable, so
 * they come from {@link ThreadLocalRandom}: {@code UUID.randomUUID()} reads {@code SecureRandom},
 * which may block on an event loop.
 */
final class Ids {
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private Ids() {}

  /** A random (version 4) UUID. */
  static String uuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
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
