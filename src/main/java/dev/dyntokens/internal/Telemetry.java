package dev.dyntokens.internal;

import dev.dyntokens.ConnectionClosedException;
import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ConnectionPoolExhaustedException;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ResponseTimeoutException;
import reactor.core.publisher.Mono;

/**
 * What the client reports about its calls. Free of Micrometer types, so the library runs without
 * Micrometer on the classpath; {@link MicrometerTelemetry} is loaded only when a registry is given.
 * With {@link #NONE} the hot path adds nothing.
 */
interface Telemetry {
  Telemetry NONE = new Telemetry() {};

  /** Times and observes one logical call ({@code operation}: create, list or delete). */
  default <T> Mono<T> call(String operation, String target, Mono<T> call) {
    return call;
  }

  /** Observes one attempt of a call, as a child of the call's observation. */
  default <T> Mono<T> attempt(String operation, Mono<T> attempt) {
    return attempt;
  }

  /** A retry was decided after {@code failure}. */
  default void retry(String operation, Throwable failure) {}

  /** The retry budget refused a retry. */
  default void budgetRefused(String operation) {}

  /** The adaptive limiter made an attempt wait. */
  default void paced(String operation, long waitMillis) {}

  /** A low-cardinality name for what went wrong, for tags. */
  static String reason(Throwable failure) {
    if (failure instanceof RateLimitedException) {
      return "throttled";
    }
    if (failure instanceof DynamicApiException) {
      int status = ((DynamicApiException) failure).statusCode();
      return status == 503 ? "unavailable" : status >= 500 ? "server_error" : "client_error";
    }
    if (failure instanceof ResponseTimeoutException) {
      return "timeout";
    }
    if (failure instanceof ConnectionFailedException) {
      return "connect";
    }
    if (failure instanceof ConnectionClosedException) {
      return "connection_closed";
    }
    if (failure instanceof ConnectionPoolExhaustedException) {
      return "pool_exhausted";
    }
    return "other";
  }
}
