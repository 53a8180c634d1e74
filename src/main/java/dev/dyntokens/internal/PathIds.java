package dev.dyntokens.internal;

import static java.util.Objects.requireNonNull;

/** Checks ids before they go into a request path, so that no id can change the path. */
final class PathIds {
  /** Longest id accepted; the API's ids are 36-character UUIDs. */
  static final int MAX_LENGTH = 128;

  private PathIds() {}

  /**
   * Returns {@code id} if it is 1 to 128 letters, digits, {@code -} or {@code _}.
   *
   * @throws NullPointerException if id is null
   * @throws IllegalArgumentException otherwise; the message names {@code name}, never the value (a
   *     caller who passes a secret by mistake must not see it in a log)
   */
  static String check(String id, String name) {
    requireNonNull(id, name + " == null");
    if (id.isEmpty() || id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          name + " must be 1 to " + MAX_LENGTH + " characters but was " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        throw new IllegalArgumentException(
            name
                + " may contain only letters, digits, '-' and '_' but has another character at"
                + " index "
                + i);
      }
    }
    return id;
  }

  /** Whether {@code id} would pass {@link #check}. */
  static boolean valid(String id) {
    if (id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
