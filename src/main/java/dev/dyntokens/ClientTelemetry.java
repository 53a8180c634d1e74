package dev.dyntokens;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * What the client tells about its work, for meters and traces: a small hook with no type of an
 * optional library in it, so the client runs, and its public types can be reflected on, without
 * Micrometer. {@code dev.dyntokens.micrometer.MicrometerTelemetry} implements it with Micrometer
 * meters and observations; pass it to {@link ReactiveTokenClient.Builder#telemetry}.
 *
 * <p>Every method has a default that does nothing. {@code operation} is one of {@code create},
 * {@code list}, {@code delete}, and in reconcile mode {@code reconcile_list} and {@code
 * reconcile_delete} for the clean-up calls; {@code target} is {@code user} or {@code environment}.
 * Neither ever holds an id, a note or a secret. Methods are called on event loops and timers: they
 * must not block.
 */
public interface ClientTelemetry {
  /** Tells nothing; what the client uses unless given another. */
  ClientTelemetry NONE = new ClientTelemetry() {};

  /**
   * Wraps one logical call, all its attempts and waits included; the Mono the client returns is the
   * one this returns.
   */
  default <T> Mono<T> observeCall(String operation, String target, Mono<T> call) {
    return call;
  }

  /** Wraps one attempt of a call, subscribed inside {@link #observeCall}'s Mono. */
  default <T> Mono<T> observeAttempt(String operation, Mono<T> attempt) {
    return attempt;
  }

  /** A retry was decided after {@code failure}. */
  default void retried(String operation, Throwable failure) {}

  /** The client's retry budget refused a retry. */
  default void retryRefusedByBudget(String operation) {}

  /** The client's own pacing after 429 answers made an attempt wait. */
  default void paced(String operation, Duration wait) {}

  /**
   * Lets the telemetry instrument the connection pool the client creates for itself (not a
   * caller's); for example with {@link ConnectionProvider.Builder#metrics(boolean,
   * java.util.function.Supplier)}.
   */
  default ConnectionProvider.Builder instrumentPool(ConnectionProvider.Builder pool) {
    return pool;
  }
}
