package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The call did not finish within {@link RetryPolicy#deadline()}, which bounds everything it does
 * from subscription on: waiting for the API token, for a connection and for the client's own
 * pacing, every attempt and backoff, and in reconcile mode every list and delete made to clean up.
 * The call's earlier failures, if any, are attached as {@linkplain #getSuppressed() suppressed}.
 *
 * <p>Not an HTTP answer, so not a {@link DynamicApiException}. {@link
 * #requestMayHaveBeenProcessed()} is true when a request of the call had been written without a
 * definite answer.
 */
public final class DeadlineExceededException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final boolean mayHaveBeenProcessed;

  public DeadlineExceededException(
      String message, @Nullable Throwable cause, boolean mayHaveBeenProcessed) {
    super(message, cause);
    this.mayHaveBeenProcessed = mayHaveBeenProcessed;
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public boolean requestMayHaveBeenProcessed() {
    return mayHaveBeenProcessed;
  }
}
