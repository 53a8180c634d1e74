package dev.dyntokens.micrometer;

import dev.dyntokens.ObservedCall;
import dev.dyntokens.OutgoingRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.ContextView;

/**
 * The observations of calls and attempts: one per logical call, whose parent is the observation in
 * the subscriber's Reactor context, with a child per attempt, a sender observation over the
 * attempt's request so a tracing bridge propagates into it. Conventions given by the user replace
 * the defaults, as {@code Observation.createNotStarted(custom, default, context, registry)} does
 * it.
 */
final class CallObservations {
  /** Reactor's context key for the current observation (ObservationThreadLocalAccessor.KEY). */
  static final String OBSERVATION_KEY = "micrometer.observation";

  /** Where a call's attempts find its context, to tell it the status of their answers. */
  private static final String CALL_CONTEXT_KEY = TokenCallObservationContext.class.getName();

  private static final TokenCallObservationConvention DEFAULT_CALL =
      new DefaultTokenCallObservationConvention();
  private static final TokenAttemptObservationConvention DEFAULT_ATTEMPT =
      new DefaultTokenAttemptObservationConvention();

  private final ObservationRegistry registry;
  private final @Nullable TokenCallObservationConvention callConvention;
  private final @Nullable TokenAttemptObservationConvention attemptConvention;

  CallObservations(
      ObservationRegistry registry,
      @Nullable TokenCallObservationConvention callConvention,
      @Nullable TokenAttemptObservationConvention attemptConvention) {
    this.registry = registry;
    this.callConvention = callConvention;
    this.attemptConvention = attemptConvention;
  }

  /** Starts the observation of {@code call}, a child of the subscriber's current observation. */
  Observation startCall(ObservedCall call, ContextView context) {
    Observation observation =
        Observation.createNotStarted(
            callConvention, DEFAULT_CALL, () -> new TokenCallObservationContext(call), registry);
    return withParent(observation, context).start();
  }

  /** {@code call} with {@code observation} as the current observation of everything inside it. */
  static <T> Mono<T> within(Observation observation, Mono<T> call) {
    Observation.Context context = observation.getContext();
    return call.contextWrite(
        c -> {
          c = c.put(OBSERVATION_KEY, observation);
          return context instanceof TokenCallObservationContext
              ? c.put(CALL_CONTEXT_KEY, context)
              : c;
        });
  }

  /** Ends a call's observation: once, before the caller sees how the call ended. */
  static void stop(Observation observation, SignalType signal, @Nullable Throwable failure) {
    if (signal == SignalType.CANCEL
        && observation.getContext() instanceof TokenCallObservationContext) {
      ((TokenCallObservationContext) observation.getContext()).cancel();
    }
    if (failure != null) {
      observation.error(failure);
    }
    observation.stop();
  }

  /**
   * Observes one attempt: its observation starts (and a tracing handler writes its headers into
   * {@code request}) when the attempt is subscribed to, before anything is sent, and stops before
   * the call sees the attempt's outcome, so the call's status is the last answer's.
   */
  <T> Mono<T> observeAttempt(OutgoingRequest request, Mono<T> attempt) {
    return Mono.deferContextual(
        context -> {
          TokenAttemptObservationContext attemptContext =
              new TokenAttemptObservationContext(request);
          Observation observation =
              withParent(
                      Observation.createNotStarted(
                          attemptConvention, DEFAULT_ATTEMPT, () -> attemptContext, registry),
                      context)
                  .start();
          TokenCallObservationContext callContext = context.getOrDefault(CALL_CONTEXT_KEY, null);
          AtomicBoolean done = new AtomicBoolean();
          Ending end =
              (signal, failure) -> {
                if (!done.compareAndSet(false, true)) {
                  return;
                }
                int status = request.status();
                if (status > 0) {
                  attemptContext.setResponse(status);
                  if (callContext != null) {
                    callContext.answered(status);
                  }
                }
                if (signal == SignalType.CANCEL) {
                  attemptContext.cancel();
                }
                if (failure != null) {
                  observation.error(failure);
                }
                observation.stop();
              };
          return attempt
              .doOnSuccess(v -> end.at(SignalType.ON_COMPLETE, null))
              .doOnError(e -> end.at(SignalType.ON_ERROR, e))
              .doOnCancel(() -> end.at(SignalType.CANCEL, null))
              .contextWrite(c -> c.put(OBSERVATION_KEY, observation));
        });
  }

  /**
   * The parent from the Reactor context; without one, Micrometer's own (the thread's current
   * observation) stays.
   */
  private static Observation withParent(Observation observation, ContextView context) {
    Observation parent = context.getOrDefault(OBSERVATION_KEY, null);
    return parent == null ? observation : observation.parentObservation(parent);
  }

  /** How a call or an attempt ended. */
  @FunctionalInterface
  interface Ending {
    void at(SignalType signal, @Nullable Throwable failure);
  }
}
