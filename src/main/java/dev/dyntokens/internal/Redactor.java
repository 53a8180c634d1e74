package dev.dyntokens.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Masks secrets in text that came from outside (an error body, a wire dump) before it goes into a
 * message or a log: raw tokens ({@code dyn_...}), {@code rawToken} JSON values and bearer
 * credentials.
 */
final class Redactor {
  static final String MASK = "<redacted>";

  private static final Pattern SECRETS =
      Pattern.compile(
          "(?i)(dyn_)[A-Za-z0-9_\\-]+"
              + "|(\"rawToken\"\\s*:\\s*\")[^\"]*"
              + "|(authorization\\s*:\\s*)[^\\r\\n]*"
              + "|(bearer\\s+)[^\\s\"',;]+");

  /** What a secret cut off at the end of the previous piece of a stream continues with. */
  private static final Pattern CONTINUATION = Pattern.compile("[A-Za-z0-9_\\-+/=.~]+");

  private Redactor() {}

  /**
   * Redacts one piece of a stream (one read or write on a connection), where a secret may have
   * begun in the previous piece: if {@code continuing}, the leading run of token characters is
   * masked too, since on its own it no longer looks like a secret.
   */
  static String redactContinuing(String text, boolean continuing) {
    String out = text;
    if (continuing) {
      Matcher m = CONTINUATION.matcher(out);
      if (m.lookingAt()) {
        out = MASK + out.substring(m.end());
      }
    }
    return redact(out, null);
  }

  /**
   * Whether a secret may run on past the end of {@code text} into the next piece of the stream: the
   * text ends inside a secret, or with what could be the start of one ({@code d}, {@code dy},
   * {@code dyn}, {@code dyn_}). Errs on the side of masking.
   *
   * @param continuing whether {@code text} itself began inside a secret
   */
  static boolean mayContinue(String text, boolean continuing) {
    if (continuing) {
      Matcher run = CONTINUATION.matcher(text);
      if (run.lookingAt() && run.end() == text.length()) {
        return true;
      }
    }
    int n = text.length();
    for (int k = 1; k <= 4 && k <= n; k++) {
      if (text.regionMatches(true, n - k, "dyn_", 0, k)) {
        return true;
      }
    }
    Matcher m = SECRETS.matcher(text);
    int lastEnd = -1;
    while (m.find()) {
      lastEnd = m.end();
    }
    return lastEnd == n;
  }

  /** Returns {@code text} with every secret masked, and {@code apiToken} too if given. */
  static String redact(String text, @Nullable String apiToken) {
    String out = text;
    if (apiToken != null && !apiToken.isEmpty() && out.contains(apiToken)) {
      out = out.replace(apiToken, MASK);
    }
    Matcher m = SECRETS.matcher(out);
    if (!m.find()) {
      return out;
    }
    StringBuilder sb = new StringBuilder(out.length());
    int last = 0;
    do {
      sb.append(out, last, m.start());
      String prefix = m.group(1);
      for (int g = 2; prefix == null && g <= 4; g++) {
        prefix = m.group(g);
      }
      sb.append(prefix == null ? "" : prefix).append(MASK);
      last = m.end();
    } while (m.find());
    return sb.append(out, last, out.length()).toString();
  }
}
