package dev.dyntokens.micrometer;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ObservedCall;
import io.micrometer.observation.Observation;

/**
 * The context of one logical call's observation ({@code dynamic.tokens.call}): the call, the status
 * of the last answer any of its attempts got, and whether the caller cancelled it. Its error, if
 * any, is the call's final failure. The call's attempts are child observations with a {@link
 * TokenAttemptObservationContext}.
 */
public final class TokenCallObservationContext extends Observation.Context {
  private final ObservedCall call;
  private volatile int status;
  private volatile boolean cancelled;

  public TokenCallObservationContext(ObservedCall call) {
    this.call = requireNonNull(call, "call == null");
  }

  public ObservedCall call() {
    return call;
  }

  /** The status of the last answer an attempt of the call got, or 0 if none was answered. */
  public int status() {
    return status;
  }

  /** Whether the caller cancelled the call before it ended. */
  public boolean cancelled() {
    return cancelled;
  }

  void answered(int code) {
    status = code;
  }

  void cancel() {
    cancelled = true;
  }
}
