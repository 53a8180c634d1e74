package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * No connection could be made (refused, DNS failure, TLS handshake failure, connect timeout). The
 * request was never written, so it is safe to retry.
 */
public final class ConnectionFailedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ConnectionFailedException(String message, @Nullable Throwable cause) {
    super(message, cause, false);
  }
}
