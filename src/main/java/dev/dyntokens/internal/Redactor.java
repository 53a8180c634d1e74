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

  private Redactor() {}

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
