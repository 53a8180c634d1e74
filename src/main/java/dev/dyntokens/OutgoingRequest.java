package dev.dyntokens;

/**
 * One attempt of a call as {@link ClientTelemetry#observeAttempt} sees it: the request about to be
 * sent, which the telemetry may give propagation headers ({@code traceparent}, {@code b3}), and,
 * once answered, the status of its answer. It never shows the request's own headers, its URL with
 * its ids, or its body, so nothing secret can reach an observation through it.
 *
 * <p>Headers added before the attempt's Mono is subscribed to are sent with that attempt only.
 */
public interface OutgoingRequest {
  /** The logical call this attempt belongs to. */
  ObservedCall call();

  /** The attempt's number in its call, from 1. */
  int attempt();

  /** The HTTP method, as {@link ObservedCall#method()}. */
  default String method() {
    return call().method();
  }

  /** The path template, as {@link ObservedCall#uriTemplate()}. */
  default String uriTemplate() {
    return call().uriTemplate();
  }

  /**
   * Adds a header to this attempt's request, replacing one of the same name added before or given
   * by the caller. A header the client sets itself ({@code Authorization}, {@code Host}, {@code
   * Content-Type}, {@code Idempotency-Key}, ...) is left as the client sets it: this is ignored.
   *
   * @throws IllegalArgumentException if the name or the value is not valid in an HTTP header
   */
  void header(String name, String value);

  /** The status of the attempt's answer, or 0 while (or if) there is none. */
  int status();
}
