package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Attached as a {@linkplain Throwable#getSuppressed() suppressed} exception to a create failure
 * whose outcome is unknown (a timeout, a connection lost after the request was written, a 500, 502
 * or 504): the server may have made the token, and its secret is lost. It carries what is needed to
 * find that token in {@link ReactiveTokenClient#listTokens()} and delete it: the note and scopes
 * sent, and the window in which it would have been created.
 *
 * <pre>{@code
 * client.createToken(request).onErrorResume(e -> TokenMayExistException.in(e)
 *     .map(m -> cleanUp(m.note(), m.notBefore(), m.notAfter()).then(Mono.<Token>error(e)))
 *     .orElse(Mono.error(e)));
 * }</pre>
 *
 * <p>With {@link RetryPolicy.Builder#reconcileCreates(boolean)} on, the client does this itself:
 * this exception is attached only when the call ended before it could find every token its attempts
 * may have made (the deadline, a failed clean-up), and the client keeps looking for them in the
 * background until it is closed.
 */
public final class TokenMayExistException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final String note;
  private final List<TokenScope> scopes;
  private final Instant notBefore;
  private final Instant notAfter;

  public TokenMayExistException(
      String request, String note, List<TokenScope> scopes, Instant notBefore, Instant notAfter) {
    super(
        request
            + ": the token may have been created although no answer said so; look for a token"
            + " with this call's note created between "
            + notBefore
            + " and "
            + notAfter
            + ", and delete it if it is not yours");
    this.note = requireNonNull(note, "note == null");
    this.scopes = List.copyOf(scopes);
    this.notBefore = requireNonNull(notBefore, "notBefore == null");
    this.notAfter = requireNonNull(notAfter, "notAfter == null");
  }

  /** Finds this exception among the suppressed exceptions of a create failure. */
  public static Optional<TokenMayExistException> in(Throwable failure) {
    requireNonNull(failure, "failure == null");
    if (failure instanceof TokenMayExistException) {
      return Optional.of((TokenMayExistException) failure);
    }
    for (Throwable s : failure.getSuppressed()) {
      if (s instanceof TokenMayExistException) {
        return Optional.of((TokenMayExistException) s);
      }
    }
    return Optional.empty();
  }

  /** The note the create call sent. */
  public String note() {
    return note;
  }

  /** The scopes the create call sent. */
  public List<TokenScope> scopes() {
    return scopes;
  }

  /** The earliest time the token could have been created: when the call started. */
  public Instant notBefore() {
    return notBefore;
  }

  /** The latest time the token could have been created: when the call gave up. */
  public Instant notAfter() {
    return notAfter;
  }

  @Override
  public boolean requestMayHaveBeenProcessed() {
    return true;
  }
}
