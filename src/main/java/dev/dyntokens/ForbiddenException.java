package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/** HTTP 403: the API token is valid but lacks the scope this call needs. */
public final class ForbiddenException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  public ForbiddenException(@Nullable String errorCode, String errorMessage, String request) {
    super(403, errorCode, errorMessage, request);
  }
}
