package dev.dyntokens.micrometer;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ObservedCall;
import dev.dyntokens.OutgoingRequest;
import io.micrometer.observation.transport.RequestReplySenderContext;

/**
 * The context of one attempt's observation ({@code dynamic.tokens.attempt}): a sender context whose
 * carrier is the attempt's {@link OutgoingRequest}, so a tracing handler ({@code
 * PropagatingSenderTracingObservationHandler}) injects its propagation headers into the request the
 * attempt sends. The response is the answer's status, set once answered.
 */
public final class TokenAttemptObservationContext
    extends RequestReplySenderContext<OutgoingRequest, Integer> {
  private final OutgoingRequest request;
  private volatile boolean cancelled;

  public TokenAttemptObservationContext(OutgoingRequest request) {
    super(
        (carrier, name, value) -> {
          if (carrier != null) {
            try {
              carrier.header(name, value);
            } catch (IllegalArgumentException e) {
              // A value HTTP cannot carry is left out rather than failing the call.
            }
          }
        });
    this.request = requireNonNull(request, "request == null");
    setCarrier(request);
    setRemoteServiceName(request.call().clientName());
  }

  /** The request of the attempt (also the carrier). */
  public OutgoingRequest request() {
    return request;
  }

  public ObservedCall call() {
    return request.call();
  }

  /** The status of the attempt's answer, or 0 if it got none. */
  public int status() {
    return request.status();
  }

  /** Whether the caller cancelled the call while this attempt was running. */
  public boolean cancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
  }
}
