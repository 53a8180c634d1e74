package dev.dyntokens;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * HTTP 429: the API's rate limit was exceeded (documented: 1,500 requests a minute per IP address
 * and 3,000 per project environment). The server did not act on the request, so retrying is safe
 * once {@link #retryAfter()} has passed.
 */
public final class RateLimitedException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  public RateLimitedException(
      @Nullable String errorCode,
      String errorMessage,
      String request,
      @Nullable Duration retryAfter) {
    super(429, errorCode, errorMessage, request, retryAfterSuffix(retryAfter));
    this.retryAfter = retryAfter;
  }

  private static String retryAfterSuffix(@Nullable Duration retryAfter) {
    return retryAfter == null ? "" : " (Retry-After " + retryAfter.toMillis() + " ms)";
  }

  /** How long the server asked the client to wait, from its {@code Retry-After} header. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
