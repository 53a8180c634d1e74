package dev.dyntokens.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Argument checks the configuration shares with the call path (a provided token is checked per
 * call).
 */
final class Checks {
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  private Checks() {}

  /**
   * Checks a token before it goes into a header: a token with a line break could inject headers,
   * and Netty would reject other control characters only when sending.
   */
  static String apiToken(String apiToken) {
    requireNonNull(apiToken, "apiToken == null");
    if (apiToken.isBlank()) {
      throw new IllegalArgumentException("apiToken must not be blank");
    }
    if (apiToken.length() > 8192) {
      throw new IllegalArgumentException(
          "apiToken must be at most 8192 characters but was " + apiToken.length());
    }
    for (int i = 0; i < apiToken.length(); i++) {
      char c = apiToken.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "apiToken may contain only visible ASCII characters but has another at index " + i);
      }
    }
    return apiToken;
  }

  static Duration timeout(Duration timeout, String name) {
    requireNonNull(timeout, name + " == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + timeout);
    }
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_TIMEOUT + " but was " + timeout);
    }
    return timeout;
  }
}
