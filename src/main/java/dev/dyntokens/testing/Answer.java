package dev.dyntokens.testing;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** An HTTP answer before it is sent: status, body (empty for none), headers. */
final class Answer {
  static final String JSON = "application/json; charset=utf-8";

  private final int status;
  private final byte[] body;
  private final @Nullable String contentType;
  private final long retryAfterSeconds;

  private Answer(int status, byte[] body, @Nullable String contentType, long retryAfterSeconds) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static Answer json(int status, byte[] body) {
    return new Answer(status, body, JSON, 0);
  }

  static Answer empty(int status) {
    return new Answer(status, new byte[0], null, 0);
  }

  static Answer rateLimited(long retryAfterSeconds) {
    return new Answer(429, WireJson.rateLimited(), JSON, retryAfterSeconds);
  }

  static Answer html(int status) {
    String html =
        "<html><head><title>"
            + status
            + "</title></head><body><h1>"
            + status
            + " Bad Gateway or Service Unavailable</h1><hr><center>fake-proxy</center></body>"
            + "</html>\n";
    return new Answer(status, html.getBytes(StandardCharsets.UTF_8), "text/html", 0);
  }

  int status() {
    return status;
  }

  /** The body; not copied, callers must not change it. */
  byte[] body() {
    return body;
  }

  @Nullable String contentType() {
    return contentType;
  }

  /** The {@code Retry-After} header's value in seconds, 0 for none. */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
