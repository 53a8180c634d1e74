package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The exchange failed below HTTP: no connection, a timeout, a connection closed under the request.
 * The original Netty or JDK exception is the {@linkplain #getCause() cause}.
 *
 * <p>{@link #requestWritten()} says whether the client had started writing the request when the
 * failure struck; if it had not, the server cannot have acted on it and any call is safe to retry.
 */
public class TransportException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final boolean requestWritten;

  public TransportException(String message, @Nullable Throwable cause, boolean requestWritten) {
    super(message, cause);
    this.requestWritten = requestWritten;
  }

  /** Whether any part of the request had been handed to the network when the failure struck. */
  public boolean requestWritten() {
    return requestWritten;
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public boolean requestMayHaveBeenProcessed() {
    return requestWritten;
  }
}
