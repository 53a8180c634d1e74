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
 * <p>Every method has a default that does nothing. {@code operation} is an {@link
 * ObservedCall#operation()}: it never holds an id, a note or a secret. Methods are called on event
 * loops and timers: they must not block.
 */
public interface ClientTelemetry {
  /** Tells nothing; what the client uses unless given another. */
  ClientTelemetry NONE = new ClientTelemetry() {};

  /**
   * Wraps one logical call, all its attempts and waits included; the Mono the client returns is the
   * one this returns.
   */
  default <T> Mono<T> observeCall(ObservedCall call, Mono<T> mono) {
    return mono;
  }

  /**
   * Wraps one attempt of a call, subscribed inside {@link #observeCall}'s Mono. Headers given to
   * {@code request} by the time {@code attempt} is subscribed to are sent with it (a tracing bridge
   * injects its propagation headers there), and its {@link OutgoingRequest#status()} is set when
   * the answer arrives, before {@code attempt} signals.
   */
  default <T> Mono<T> observeAttempt(OutgoingRequest request, Mono<T> attempt) {
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
