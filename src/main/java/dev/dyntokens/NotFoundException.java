package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/** HTTP 404: the token or environment does not exist (or is not visible to this API token). */
public final class NotFoundException extends DynamicApiException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(@Nullable String errorCode, String errorMessage, String request) {
    super(404, errorCode, errorMessage, request);
  }
}
