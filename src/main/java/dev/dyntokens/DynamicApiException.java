package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The API answered with an HTTP error status. Subclasses name the statuses the API documents;
 * others (a 409, a 3xx the client did not follow) arrive as this class.
 *
 * <p>{@link #errorMessage()} is the API's {@code error} (or {@code message}) field when the body
 * was the API's JSON, or a short description of the body otherwise (a proxy's HTML page, an empty
 * body), so that a 502 from a load balancer still says what it was.
 */
public class DynamicApiException extends TokenClientException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final @Nullable String errorCode;
  private final String errorMessage;
  private final String request;

  /**
   * @param statusCode the HTTP status of the answer
   * @param errorCode the API's {@code code} field, if the body had one
   * @param errorMessage the API's message, or a description of a body that was not the API's JSON
   * @param request the method and path of the request, for example {@code POST /user/tokens}
   */
  public DynamicApiException(
      int statusCode, @Nullable String errorCode, String errorMessage, String request) {
    this(statusCode, errorCode, errorMessage, request, "");
  }

  /** As the public constructor, with {@code detail} appended to the exception message only. */
  DynamicApiException(
      int statusCode,
      @Nullable String errorCode,
      String errorMessage,
      String request,
      String detail) {
    super(describe(statusCode, errorCode, errorMessage, request) + detail);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.errorMessage = requireNonNull(errorMessage, "errorMessage == null");
    this.request = requireNonNull(request, "request == null");
  }

  private static String describe(
      int statusCode, @Nullable String errorCode, String errorMessage, String request) {
    StringBuilder sb = new StringBuilder(64 + errorMessage.length());
    sb.append(request).append(" failed with HTTP ").append(statusCode);
    if (errorCode != null) {
      sb.append(" (code ").append(errorCode).append(')');
    }
    return sb.append(": ").append(errorMessage).toString();
  }

  /** The HTTP status code of the answer, for example 422. */
  public int statusCode() {
    return statusCode;
  }

  /** The API's error code (for example {@code too_many_api_tokens}), or null if there was none. */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** The API's error message, or a description of a body that was not the API's JSON. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The method and path of the failed request, for example {@code DELETE /user/tokens/{id}}. */
  public String request() {
    return request;
  }
}
