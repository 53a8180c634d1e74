package dev.dyntokens.micrometer;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ClientPacingException;
import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.ConnectionClosedException;
import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ConnectionPoolExhaustedException;
import dev.dyntokens.DeadlineExceededException;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ResponseTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link ClientTelemetry} with Micrometer meters and observations:
 *
 * <pre>{@code
 * ReactiveTokenClient.builder()
 *     .telemetry(MicrometerTelemetry.builder().meterRegistry(meters).observationRegistry(observations).build())
 * }</pre>
 *
 * <p>Every tag is low-cardinality: operation, target, outcome, status class, exception kind, retry
 * reason; never an id, a note or anything secret.
 *
 * <p>Meters (all prefixed {@code dynamic.tokens.}): {@code calls} (timer per logical call), {@code
 * retries} (counter by reason), {@code retry.budget.refused} (counter), {@code throttle.waits}
 * (timer of the adaptive limiter's waits), and {@code pool.*} gauges of the client's own connection
 * pool.
 */
public final class MicrometerTelemetry implements ClientTelemetry {
  /** Reactor's context key for the current observation (ObservationThreadLocalAccessor.KEY). */
  static final String OBSERVATION_KEY = "micrometer.observation";

  static final String CALLS = "dynamic.tokens.calls";
  static final String RETRIES = "dynamic.tokens.retries";
  static final String BUDGET_REFUSED = "dynamic.tokens.retry.budget.refused";
  static final String THROTTLE_WAITS = "dynamic.tokens.throttle.waits";
  static final String CALL_OBSERVATION = "dynamic.tokens.call";
  static final String ATTEMPT_OBSERVATION = "dynamic.tokens.attempt";

  private final @Nullable MeterRegistry meters;
  private final @Nullable ObservationRegistry observations;

  private MicrometerTelemetry(
      @Nullable MeterRegistry meters, @Nullable ObservationRegistry observations) {
    this.meters = meters;
    this.observations = observations;
  }

  /** Meters only. */
  public static MicrometerTelemetry of(MeterRegistry meters) {
    return builder().meterRegistry(meters).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the registries; at least one is needed. */
  public static final class Builder {
    private @Nullable MeterRegistry meters;
    private @Nullable ObservationRegistry observations;

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
     * the subscriber's Reactor context, if any.
     */
    public Builder observationRegistry(ObservationRegistry observations) {
      this.observations = requireNonNull(observations, "observationRegistry == null");
      return this;
    }

    /**
     * @throws IllegalStateException if neither registry was set
     */
    public MicrometerTelemetry build() {
      if (meters == null && observations == null) {
        throw new IllegalStateException("meterRegistry or observationRegistry is required");
      }
      return new MicrometerTelemetry(meters, observations);
    }
  }

  @Override
  public <T> Mono<T> observeCall(String operation, String target, Mono<T> call) {
    return Mono.deferContextual(
        context -> {
          long start = System.nanoTime();
          Observation observation = null;
          Mono<T> observed = call;
          if (observations != null) {
            Observation parent = context.getOrDefault(OBSERVATION_KEY, null);
            observation =
                Observation.createNotStarted(CALL_OBSERVATION, observations)
                    .contextualName("dynamic-tokens " + operation)
                    .lowCardinalityKeyValue("operation", operation)
                    .lowCardinalityKeyValue("target", target)
                    .parentObservation(parent)
                    .start();
            Observation current = observation;
            observed = call.contextWrite(c -> c.put(OBSERVATION_KEY, current));
          }
          Observation finalObservation = observation;
          // Recorded before the caller sees the outcome, and once: a cancel may race the end.
          AtomicBoolean done = new AtomicBoolean();
          Ending end =
              (signal, failure) -> {
                if (done.compareAndSet(false, true)) {
                  finish(operation, target, signal, failure, start, finalObservation);
                }
              };
          return observed
              .doOnSuccess(v -> end.at(SignalType.ON_COMPLETE, null))
              .doOnError(e -> end.at(SignalType.ON_ERROR, e))
              .doOnCancel(() -> end.at(SignalType.CANCEL, null));
        });
  }

  /** How a call ended. */
  @FunctionalInterface
  private interface Ending {
    void at(SignalType signal, @Nullable Throwable failure);
  }

  private void finish(
      String operation,
      String target,
      SignalType signal,
      @Nullable Throwable failure,
      long startNanos,
      @Nullable Observation observation) {
    String outcome =
        signal == SignalType.CANCEL ? "cancelled" : failure == null ? "success" : "error";
    String statusClass =
        failure instanceof DynamicApiException
            ? (((DynamicApiException) failure).statusCode() / 100) + "xx"
            : failure == null && signal != SignalType.CANCEL ? "2xx" : "none";
    String exception = failure == null ? "none" : failure.getClass().getSimpleName();
    if (meters != null) {
      Timer.builder(CALLS)
          .description("Logical calls of the token client, all attempts and waits included")
          .tags(
              Tags.of(
                  "operation", operation,
                  "target", target,
                  "outcome", outcome,
                  "status_class", statusClass,
                  "exception", exception))
          .register(meters)
          .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
    if (observation != null) {
      observation.lowCardinalityKeyValue("outcome", outcome);
      observation.lowCardinalityKeyValue("status_class", statusClass);
      if (failure != null) {
        observation.error(failure);
      }
      observation.stop();
    }
  }

  @Override
  public <T> Mono<T> observeAttempt(String operation, Mono<T> attempt) {
    if (observations == null) {
      return attempt;
    }
    return Mono.deferContextual(
        context -> {
          Observation child =
              Observation.createNotStarted(ATTEMPT_OBSERVATION, observations)
                  .contextualName("dynamic-tokens " + operation + " attempt")
                  .lowCardinalityKeyValue("operation", operation)
                  .parentObservation(context.getOrDefault(OBSERVATION_KEY, null))
                  .start();
          return attempt
              .doOnError(child::error)
              .doFinally(signal -> child.stop())
              .contextWrite(c -> c.put(OBSERVATION_KEY, child));
        });
  }

  @Override
  public void retried(String operation, Throwable failure) {
    if (meters != null) {
      Counter.builder(RETRIES)
          .description("Retries decided, by the failure that caused them")
          .tags("operation", operation, "reason", reason(failure))
          .register(meters)
          .increment();
    }
  }

  @Override
  public void retryRefusedByBudget(String operation) {
    if (meters != null) {
      Counter.builder(BUDGET_REFUSED)
          .description("Retries refused by the client's retry budget")
          .tags("operation", operation)
          .register(meters)
          .increment();
    }
  }

  @Override
  public void paced(String operation, Duration wait) {
    if (meters != null) {
      Timer.builder(THROTTLE_WAITS)
          .description("Waits imposed by the client's own pacing after 429 answers")
          .tags("operation", operation)
          .register(meters)
          .record(wait);
    }
  }

  @Override
  public ConnectionProvider.Builder instrumentPool(ConnectionProvider.Builder pool) {
    MeterRegistry registry = meters;
    if (registry == null) {
      return pool;
    }
    // One registrar: Reactor Netty asks the supplier again to deregister, and only this one knows
    // which gauges it registered.
    ConnectionProvider.MeterRegistrar registrar = poolGauges(registry);
    return pool.metrics(true, () -> registrar);
  }

  /** A low-cardinality name for what went wrong, for tags. */
  static String reason(Throwable failure) {
    if (failure instanceof RateLimitedException) {
      return "throttled";
    }
    if (failure instanceof DynamicApiException) {
      int status = ((DynamicApiException) failure).statusCode();
      return status == 503 ? "unavailable" : status >= 500 ? "server_error" : "client_error";
    }
    if (failure instanceof ResponseTimeoutException
        || failure instanceof DeadlineExceededException) {
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
    if (failure instanceof ClientPacingException) {
      return "client_paced";
    }
    return "other";
  }

  /**
   * Gauges of the client's own pool, removed again when the pool is disposed (Reactor Netty calls
   * {@code deRegisterMetrics} then), so a closed pool is neither kept alive by the registry nor
   * shown beside a later client's.
   */
  private static ConnectionProvider.MeterRegistrar poolGauges(MeterRegistry meters) {
    Map<String, List<Meter>> registered = new ConcurrentHashMap<>();
    return new ConnectionProvider.MeterRegistrar() {
      @Override
      public void registerMetrics(
          String poolName, String id, SocketAddress remote, ConnectionPoolMetrics m) {
        Tags tags = Tags.of("pool", poolName, "remote", String.valueOf(remote));
        List<Meter> gauges =
            List.of(
                gauge(
                    meters,
                    "dynamic.tokens.pool.active",
                    "Connections in use",
                    tags,
                    m,
                    ConnectionPoolMetrics::acquiredSize),
                gauge(
                    meters,
                    "dynamic.tokens.pool.idle",
                    "Idle pooled connections",
                    tags,
                    m,
                    ConnectionPoolMetrics::idleSize),
                gauge(
                    meters,
                    "dynamic.tokens.pool.total",
                    "Connections open",
                    tags,
                    m,
                    ConnectionPoolMetrics::allocatedSize),
                gauge(
                    meters,
                    "dynamic.tokens.pool.pending",
                    "Calls waiting for a connection",
                    tags,
                    m,
                    ConnectionPoolMetrics::pendingAcquireSize),
                gauge(
                    meters,
                    "dynamic.tokens.pool.max",
                    "Pool size limit",
                    tags,
                    m,
                    ConnectionPoolMetrics::maxAllocatedSize));
        registered.put(key(poolName, id, remote), gauges);
      }

      @Override
      public void deRegisterMetrics(String poolName, String id, SocketAddress remote) {
        List<Meter> gauges = registered.remove(key(poolName, id, remote));
        if (gauges != null) {
          gauges.forEach(meters::remove);
        }
      }
    };
  }

  private static String key(String poolName, String id, SocketAddress remote) {
    return poolName + '\n' + id + '\n' + remote;
  }

  private static Meter gauge(
      MeterRegistry meters,
      String name,
      String description,
      Tags tags,
      ConnectionPoolMetrics m,
      java.util.function.ToDoubleFunction<ConnectionPoolMetrics> value) {
    return Gauge.builder(name, m, value)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(meters);
  }
}
