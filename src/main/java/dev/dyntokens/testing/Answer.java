package dev.dyntokens.testing;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP answer before it is sent.
 *
 * @param status the HTTP status
 * @param body the body, empty for none
 * @param contentType its content type, null for none
 * @param retryAfterSeconds the {@code Retry-After} header's value, 0 for none
 */
record Answer(int status, byte[] body, @Nullable String contentType, long retryAfterSeconds) {
  static final String JSON = "application/json; charset=utf-8";

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
}
