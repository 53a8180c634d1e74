package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The root of every failure this client signals. Unchecked, as Reactor error signals are.
 *
 * <p>Two questions every failure answers, for callers and for the client's own retry layer:
 *
 * <ul>
 *   <li>{@link #retryable()}: may another attempt succeed (throttling, server errors, transport
 *       failures)? A 400 or 404 will not change by retrying.
 *   <li>{@link #requestMayHaveBeenProcessed()}: may the server have acted on the request? If so,
 *       repeating a create could make a second token. False only when the client knows the server
 *       did not act: the request was never written, or the server answered that it refused it.
 * </ul>
 *
 * <p>No message of this client contains the API token or a raw token.
 */
public class TokenClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenClientException(String message) {
    super(message);
  }

  public TokenClientException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether another attempt of the same request may succeed. False unless a subclass says so. */
  public boolean retryable() {
    return false;
  }

  /**
   * Whether the server may have acted on the request before this failure: true for a timeout or a
   * broken connection after the request was written, for 500, 502 and 504 answers, and for a
   * success answer that could not be decoded.
   */
  public boolean requestMayHaveBeenProcessed() {
    return false;
  }
}
