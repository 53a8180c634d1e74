package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 400: the request was malformed or a field was invalid (for example a note the API refused).
 */
public final class BadRequestException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(@Nullable String errorCode, String errorMessage, String request) {
    super(400, errorCode, errorMessage, request);
  }
}
