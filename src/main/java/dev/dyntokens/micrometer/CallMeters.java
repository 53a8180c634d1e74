package dev.dyntokens.micrometer;

import dev.dyntokens.ClientPacingException;
import dev.dyntokens.ConnectionClosedException;
import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ConnectionPoolExhaustedException;
import dev.dyntokens.DeadlineExceededException;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.ObservedCall;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ResponseTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.SignalType;

/**
 * The client's meters ({@code dynamic.tokens.calls}, {@code retries}, {@code retry.budget.refused},
 * {@code throttle.waits}), apart from its observations: a call is timed here whether or not it is
 * also observed. Every tag is low-cardinality.
 */
final class CallMeters {
  static final String CALLS = "dynamic.tokens.calls";
  static final String RETRIES = "dynamic.tokens.retries";
  static final String BUDGET_REFUSED = "dynamic.tokens.retry.budget.refused";
  static final String THROTTLE_WAITS = "dynamic.tokens.throttle.waits";

  private final MeterRegistry meters;

  CallMeters(MeterRegistry meters) {
    this.meters = meters;
  }

  MeterRegistry registry() {
    return meters;
  }

  /** One logical call that ended with {@code signal}, started at {@code startNanos}. */
  void recordCall(
      ObservedCall call, SignalType signal, @Nullable Throwable failure, long startNanos) {
    String outcome =
        signal == SignalType.CANCEL ? "cancelled" : failure == null ? "success" : "error";
    String statusClass =
        failure instanceof DynamicApiException
            ? (((DynamicApiException) failure).statusCode() / 100) + "xx"
            : failure == null && signal != SignalType.CANCEL ? "2xx" : "none";
    Timer.builder(CALLS)
        .description("Logical calls of the token client, all attempts and waits included")
        .tags(
            Tags.of(
                "operation", call.operation(),
                "target", call.target(),
                "outcome", outcome,
                "status_class", statusClass,
                "exception", ClientKeys.exception(failure)))
        .register(meters)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  void retried(String operation, Throwable failure) {
    Counter.builder(RETRIES)
        .description("Retries decided, by the failure that caused them")
        .tags("operation", operation, "reason", reason(failure))
        .register(meters)
        .increment();
  }

  void retryRefusedByBudget(String operation) {
    Counter.builder(BUDGET_REFUSED)
        .description("Retries refused by the client's retry budget")
        .tags("operation", operation)
        .register(meters)
        .increment();
  }

  void paced(String operation, Duration wait) {
    Timer.builder(THROTTLE_WAITS)
        .description("Waits imposed by the client's own pacing after 429 answers")
        .tags("operation", operation)
        .register(meters)
        .record(wait);
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
}
