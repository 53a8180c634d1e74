package dev.dyntokens;

import java.time.Duration;

/**
 * The client's own pacing refused to send an attempt: after the server answered 429 lately, the
 * client spaces its sends, and the wait for this attempt's turn would have run past the call's
 * deadline. Nothing was sent, so the server did not act and a later call is safe. Not an HTTP
 * answer, so not a {@link DynamicApiException}.
 */
public final class ClientPacingException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final Duration wait;

  public ClientPacingException(String request, Duration wait, Duration timeLeft) {
    super(
        request
            + " was not sent: the client's own pacing after recent 429 answers would have made it"
            + " wait "
            + wait.toMillis()
            + " ms with "
            + Math.max(0, timeLeft.toMillis())
            + " ms left of the call's deadline");
    this.wait = wait;
  }

  /** How long the attempt would have had to wait for its turn. */
  public Duration pacingWait() {
    return wait;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
