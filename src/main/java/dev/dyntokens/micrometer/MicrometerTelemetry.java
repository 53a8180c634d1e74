package dev.dyntokens.micrometer;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.ObservedCall;
import dev.dyntokens.OutgoingRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link ClientTelemetry} with Micrometer meters and observations:
 *
 * <pre>{@code
 * ReactiveTokenClient.builder()
 *     .telemetry(MicrometerTelemetry.builder().meterRegistry(meters).observationRegistry(observations).build())
 * }</pre>
 *
 * <p>Every tag and low-cardinality key is low-cardinality: operation, target, method, URI template,
 * status, outcome, exception kind, retry reason, the API's host; never an id, a note or anything
 * secret.
 *
 * <p>Meters (all prefixed {@code dynamic.tokens.}): {@code calls} (timer per logical call), {@code
 * retries} (counter by reason), {@code retry.budget.refused} (counter), {@code throttle.waits}
 * (timer of the adaptive limiter's waits), and {@code pool.*} gauges of the client's own connection
 * pool. Observations: {@code dynamic.tokens.call} per logical call ({@link
 * DefaultTokenCallObservationConvention}) with a child {@code dynamic.tokens.attempt} per HTTP
 * exchange ({@link DefaultTokenAttemptObservationConvention}), over which a tracing bridge
 * propagates the trace to the API.
 */
public final class MicrometerTelemetry implements ClientTelemetry {
  private final @Nullable CallMeters meters;
  private final @Nullable CallObservations observations;

  private MicrometerTelemetry(Builder b) {
    this.meters = b.meters == null ? null : new CallMeters(b.meters);
    this.observations =
        b.observations == null
            ? null
            : new CallObservations(b.observations, b.callConvention, b.attemptConvention);
  }

  /** Meters only. */
  public static MicrometerTelemetry of(MeterRegistry meters) {
    return builder().meterRegistry(meters).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the registries, at least one, and the conventions of the observations. */
  public static final class Builder {
    private @Nullable MeterRegistry meters;
    private @Nullable ObservationRegistry observations;
    private @Nullable TokenCallObservationConvention callConvention;
    private @Nullable TokenAttemptObservationConvention attemptConvention;

    private Builder() {}

    /**
     * Records a {@code dynamic.tokens.calls} timer per logical call, retry and pacing meters, and
     * {@code dynamic.tokens.pool.*} gauges of the client's own pool.
     */
    public Builder meterRegistry(MeterRegistry meters) {
      this.meters = requireNonNull(meters, "meterRegistry == null");
      return this;
    }

    /**
     * Observes each logical call ({@code dynamic.tokens.call}) with a child observation per attempt
     * ({@code dynamic.tokens.attempt}), so a trace shows retries. The parent is the observation in
     * the subscriber's Reactor context, if any. An attempt's observation is a sender observation
     * over its request: a tracing handler's propagation headers are sent with it.
     */
    public Builder observationRegistry(ObservationRegistry observations) {
      this.observations = requireNonNull(observations, "observationRegistry == null");
      return this;
    }

    /**
     * Names and keys of the call observations in place of {@link
     * DefaultTokenCallObservationConvention}'s, and of a global convention registered for them;
     * needs {@link #observationRegistry}.
     */
    public Builder callConvention(TokenCallObservationConvention convention) {
      this.callConvention = requireNonNull(convention, "callConvention == null");
      return this;
    }

    /**
     * Names and keys of the attempt observations in place of {@link
     * DefaultTokenAttemptObservationConvention}'s, and of a global convention registered for them;
     * needs {@link #observationRegistry}.
     */
    public Builder attemptConvention(TokenAttemptObservationConvention convention) {
      this.attemptConvention = requireNonNull(convention, "attemptConvention == null");
      return this;
    }

    /**
     * @throws IllegalStateException if neither registry was set, or a convention was set without an
     *     observation registry
     */
    public MicrometerTelemetry build() {
      if (meters == null && observations == null) {
        throw new IllegalStateException("meterRegistry or observationRegistry is required");
      }
      if (observations == null && (callConvention != null || attemptConvention != null)) {
        throw new IllegalStateException("an observation convention needs observationRegistry");
      }
      return new MicrometerTelemetry(this);
    }
  }

  @Override
  public <T> Mono<T> observeCall(ObservedCall call, Mono<T> mono) {
    return Mono.deferContextual(
        context -> {
          long start = System.nanoTime();
          Observation observation =
              observations == null ? null : observations.startCall(call, context);
          Mono<T> observed =
              observation == null ? mono : CallObservations.within(observation, mono);
          // Recorded before the caller sees the outcome, and once: a cancel may race the end.
          AtomicBoolean done = new AtomicBoolean();
          CallObservations.Ending end =
              (signal, failure) -> {
                if (done.compareAndSet(false, true)) {
                  if (meters != null) {
                    meters.recordCall(call, signal, failure, start);
                  }
                  if (observation != null) {
                    CallObservations.stop(observation, signal, failure);
                  }
                }
              };
          return observed
              .doOnSuccess(v -> end.at(SignalType.ON_COMPLETE, null))
              .doOnError(e -> end.at(SignalType.ON_ERROR, e))
              .doOnCancel(() -> end.at(SignalType.CANCEL, null));
        });
  }

  @Override
  public <T> Mono<T> observeAttempt(OutgoingRequest request, Mono<T> attempt) {
    return observations == null ? attempt : observations.observeAttempt(request, attempt);
  }

  @Override
  public void retried(String operation, Throwable failure) {
    if (meters != null) {
      meters.retried(operation, failure);
    }
  }

  @Override
  public void retryRefusedByBudget(String operation) {
    if (meters != null) {
      meters.retryRefusedByBudget(operation);
    }
  }

  @Override
  public void paced(String operation, Duration wait) {
    if (meters != null) {
      meters.paced(operation, wait);
    }
  }

  @Override
  public ConnectionProvider.Builder instrumentPool(ConnectionProvider.Builder pool) {
    if (meters == null) {
      return pool;
    }
    // One registrar: Reactor Netty asks the supplier again to deregister, and only this one knows
    // which gauges it registered.
    ConnectionProvider.MeterRegistrar registrar = new PoolGauges(meters.registry());
    return pool.metrics(true, () -> registrar);
  }
}
