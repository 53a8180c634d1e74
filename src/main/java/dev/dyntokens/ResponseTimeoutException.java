package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * No complete answer arrived within the response timeout after the request was written. The server
 * may have acted on the request.
 */
public final class ResponseTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ResponseTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause, true);
  }
}
