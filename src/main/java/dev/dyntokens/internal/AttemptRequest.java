package dev.dyntokens.internal;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ObservedCall;
import dev.dyntokens.OutgoingRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The {@link OutgoingRequest} of one observed attempt: the headers telemetry adds, which {@link
 * Exchange} sets as it sends, and the status of the answer, which it sets as the answer arrives.
 * Made only when telemetry is on.
 */
final class AttemptRequest implements OutgoingRequest {
  private final ObservedCall call;
  private final int attempt;
  private @Nullable HttpHeaders headers;
  private volatile int status;

  AttemptRequest(ObservedCall call, int attempt) {
    this.call = call;
    this.attempt = attempt;
  }

  @Override
  public ObservedCall call() {
    return call;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  @SuppressWarnings("UnusedException") // the cause's message is what must not be kept
  public synchronized void header(String name, String value) {
    requireNonNull(name, "name == null");
    requireNonNull(value, "value == null");
    if (Exchange.isOwnHeader(name)) {
      return;
    }
    HttpHeaders h = headers;
    if (h == null) {
      h = new DefaultHttpHeaders(); // validates names and values
      headers = h;
    }
    try {
      h.set(name, value);
    } catch (IllegalArgumentException e) {
      // Netty's message may quote the value; a header value is not ours to print.
      throw new IllegalArgumentException("invalid header name or value for " + call, null);
    }
  }

  /** What telemetry added, or null for nothing; read when the request is sent. */
  synchronized @Nullable HttpHeaders headers() {
    return headers;
  }

  @Override
  public int status() {
    return status;
  }

  void answered(int code) {
    status = code;
  }

  @Override
  public String toString() {
    return call + " attempt " + attempt + (status == 0 ? "" : ", status " + status);
  }
}
