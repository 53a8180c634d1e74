package dev.dyntokens;

/**
 * A logical call as {@link ClientTelemetry} sees it: what it does and where, as a template. Every
 * value is low-cardinality and fixed per client, operation and target: never an id, a note, a
 * header or anything secret, so each may be a tag or an observation key as it is.
 */
public interface ObservedCall {
  /**
   * {@code create}, {@code list}, {@code delete}, {@code current_token}, and in reconcile mode
   * {@code reconcile_list} and {@code reconcile_delete} for the clean-up calls.
   */
  String operation();

  /** {@code user} or {@code environment}. */
  String target();

  /** The HTTP method: {@code POST}, {@code GET} or {@code DELETE}. */
  String method();

  /**
   * The request's path below the base URL with its ids as placeholders: {@code /user/tokens},
   * {@code /user/tokens/{tokenId}}, {@code /environments/{environmentId}/tokens}, {@code
   * /environments/{environmentId}/tokens/{tokenId}}, {@code /tokens/me}.
   */
  String uriTemplate();

  /** The host of the client's base URL, such as {@code app.dynamicauth.com}. */
  String clientName();
}
