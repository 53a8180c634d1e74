package dev.dyntokens.internal;

import java.io.IOException;

/**
 * A request was refused before any byte of it went out, because its connection still waits for the
 * answer to an earlier, abandoned exchange (see {@link ExchangeGuard}). Safe to retry on another
 * connection: the server never saw this request.
 */
final class StaleConnectionException extends IOException {
  private static final long serialVersionUID = 1L;

  StaleConnectionException() {
    super("the pooled connection still awaited the answer to an abandoned request; closed unused");
  }

  /** Raised in-band on an event loop, always for the same reason: the stack says nothing. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
