package dev.dyntokens.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and keys of the observation of a logical call. {@link
 * DefaultTokenCallObservationConvention} is the default; give another to {@link
 * MicrometerTelemetry.Builder#callConvention}.
 */
public interface TokenCallObservationConvention
    extends ObservationConvention<TokenCallObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof TokenCallObservationContext;
  }
}
