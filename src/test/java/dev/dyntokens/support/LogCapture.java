package dev.dyntokens.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every log line (with its stack trace) in memory, so tests can assert that no secret was
 * logged and that Netty reported no leak.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static final int MAX_LINES = 200_000;

  @Override
  protected void append(ILoggingEvent event) {
    String text = event.getLoggerName() + " " + event.getFormattedMessage();
    if (event.getThrowableProxy() != null) {
      text += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }
    if (text.contains("LEAK:")) {
      LEAKS.add(text);
    }
    if (LINES.size() < MAX_LINES) {
      LINES.add(text);
    }
  }

  /** Every line captured so far. */
  public static List<String> lines() {
    return new ArrayList<>(LINES);
  }

  /** Forgets the lines captured so far (leak reports are kept). */
  public static void clear() {
    LINES.clear();
  }

  /** Netty leak reports seen so far, and forgets them. */
  public static List<String> drainLeaks() {
    List<String> out = new ArrayList<>();
    String s;
    while ((s = LEAKS.poll()) != null) {
      out.add(s);
    }
    return out;
  }
}
