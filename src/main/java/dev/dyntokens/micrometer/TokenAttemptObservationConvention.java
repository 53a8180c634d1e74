package dev.dyntokens.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and keys of the observation of one attempt (one HTTP exchange) of a call. {@link
 * DefaultTokenAttemptObservationConvention} is the default; give another to {@link
 * MicrometerTelemetry.Builder#attemptConvention}.
 */
public interface TokenAttemptObservationConvention
    extends ObservationConvention<TokenAttemptObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof TokenAttemptObservationContext;
  }
}
