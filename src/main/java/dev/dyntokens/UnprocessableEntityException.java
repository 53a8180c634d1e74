package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 422: the API refused the request, for example {@code invalid_scopes} or {@code
 * too_many_api_tokens}; see {@link #errorCode()}.
 */
public final class UnprocessableEntityException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  public UnprocessableEntityException(
      @Nullable String errorCode, String errorMessage, String request) {
    super(422, errorCode, errorMessage, request);
  }
}
