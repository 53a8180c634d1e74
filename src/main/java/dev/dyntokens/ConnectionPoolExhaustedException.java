package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The client's connection pool had no free connection in time, or its queue of waiting calls was
 * full. The request was never written. The message names the limit that was hit.
 */
public final class ConnectionPoolExhaustedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ConnectionPoolExhaustedException(String message, @Nullable Throwable cause) {
    super(message, cause, false);
  }
}
