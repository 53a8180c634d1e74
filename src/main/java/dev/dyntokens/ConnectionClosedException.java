package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The connection closed before a complete answer arrived. If {@link #requestWritten()} is true, the
 * server may have acted on the request.
 */
public final class ConnectionClosedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(
      String message, @Nullable Throwable cause, boolean requestWritten) {
    super(message, cause, requestWritten);
  }
}
