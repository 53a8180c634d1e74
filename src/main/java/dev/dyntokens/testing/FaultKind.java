package dev.dyntokens.testing;

/**
 * A misbehaviour {@link FakeDynamicApi} can inject, chosen per request by a {@link FaultPlan}.
 *
 * <p>"Before processing" means the request has no effect on the fake's state; "after processing"
 * means it took effect (a create stored its token, a delete removed it) even though the client
 * cannot tell.
 */
public enum FaultKind {
  /** No fault: the request is answered normally. A step of a script that lets a request through. */
  NONE,
  /** Processes the request, then holds the answer for the plan's {@link FaultPlan#delay()}. */
  DELAY,
  /** Before processing: 500 with a JSON {@code {"error": ...}} body. */
  STATUS_500,
  /** Before processing: 502 with a JSON {@code {"error": ...}} body. */
  STATUS_502,
  /** Before processing: 503 with a JSON {@code {"error": ...}} body. */
  STATUS_503,
  /** Before processing: 504 with a JSON {@code {"error": ...}} body. */
  STATUS_504,
  /** Before processing: 502 with an HTML body, as a proxy in front of the API answers. */
  HTML_502,
  /** Before processing: 503 with an HTML body. */
  HTML_503,
  /** Before processing: 504 with an HTML body. */
  HTML_504,
  /** Before processing: 503 with an empty body. */
  EMPTY_503,
  /**
   * Before processing: 429 {@code {"message":"Rate limit exceeded","code":429}} with {@code
   * Retry-After: 1}.
   */
  RATE_LIMIT_429,
  /** Before processing, before reading the body: the connection is reset without an answer. */
  RESET_BEFORE_READ,
  /**
   * After processing: the connection is closed without an answer. For a create this is the
   * ambiguous case: the token is stored but nobody received its secret.
   */
  CREATE_THEN_DROP,
  /**
   * After processing: the real answer's headers announce its full {@code Content-Length}, only the
   * first half of the body is sent, then the connection is closed.
   */
  TRUNCATED_BODY,
  /** After processing: 200 with a {@code Content-Type: application/json} body that is not JSON. */
  MALFORMED_JSON,
  /**
   * After processing: 200 with the real answer padded by a huge extra field to the plan's {@link
   * FaultPlan#oversizedBytes()} (2 MiB by default).
   */
  OVERSIZED_BODY,
  /**
   * Before processing: the request is held without an answer until the client closes the connection
   * or the fake is closed; nothing is left behind when the client gives up.
   */
  NEVER_ANSWER
}
