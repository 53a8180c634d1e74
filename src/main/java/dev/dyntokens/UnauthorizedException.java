package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/** HTTP 401: the API token is missing, invalid, expired or revoked. */
public final class UnauthorizedException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(@Nullable String errorCode, String errorMessage, String request) {
    super(401, errorCode, errorMessage, request);
  }
}
