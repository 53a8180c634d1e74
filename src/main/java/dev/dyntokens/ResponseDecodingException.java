package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * A success answer that could not be turned into a valid result: the body was not JSON, was cut
 * short or too large, a required field was missing or of the wrong type, or a created token failed
 * its own checks (its checksum is not the last 6 characters of its raw token).
 *
 * <p>The server did act on the request. After a create this means a token may exist whose secret
 * the caller never received; {@link #requestMayHaveBeenProcessed()} is true.
 */
public final class ResponseDecodingException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final @Nullable String field;

  /**
   * @param statusCode the HTTP status of the answer
   * @param field the JSON path of the offending field (for example {@code token.checksum}), or null
   *     if the body as a whole was at fault
   * @param message what was wrong, never containing a secret
   * @param cause the parser's exception, if any
   */
  public ResponseDecodingException(
      int statusCode, @Nullable String field, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.field = field;
  }

  /** The HTTP status of the answer that could not be decoded. */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The JSON path of the offending field, or null if the body as a whole was at fault. Field names
   * the server chose are cut to a bounded length and have control and format characters replaced by
   * {@code ?}.
   */
  public @Nullable String field() {
    return field;
  }

  @Override
  public boolean requestMayHaveBeenProcessed() {
    return true;
  }
}
