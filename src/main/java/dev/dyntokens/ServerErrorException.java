package dev.dyntokens;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * HTTP 5xx: the API or a proxy in front of it failed. Retryable. A 503 means the server did not act
 * on the request; after a 500, 502 or 504 it may have, so a create that failed this way may still
 * have made a token.
 */
public final class ServerErrorException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  public ServerErrorException(
      int statusCode, @Nullable String errorCode, String errorMessage, String request) {
    this(statusCode, errorCode, errorMessage, request, null);
  }

  /**
   * @param retryAfter the wait the server asked for in {@code Retry-After} (usually with a 503)
   */
  public ServerErrorException(
      int statusCode,
      @Nullable String errorCode,
      String errorMessage,
      String request,
      @Nullable Duration retryAfter) {
    super(statusCode, errorCode, errorMessage, request);
    this.retryAfter = retryAfter;
  }

  /** How long the server asked the client to wait, from its {@code Retry-After} header. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public boolean requestMayHaveBeenProcessed() {
    return statusCode() != 503;
  }
}
