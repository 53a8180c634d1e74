package dev.dyntokens.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The default convention of an attempt's observation: name {@value #NAME}, contextual name {@code
 * dynamic-tokens <operation> attempt}, the low-cardinality keys of {@link
 * DefaultTokenCallObservationConvention} for this attempt's answer, and the high-cardinality key
 * {@code attempt} (its number in the call, from 1). Extend it to add or change keys.
 */
public class DefaultTokenAttemptObservationConvention implements TokenAttemptObservationConvention {
  /** The name of an attempt's observation. */
  public static final String NAME = "dynamic.tokens.attempt";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(TokenAttemptObservationContext context) {
    return "dynamic-tokens " + context.call().operation() + " attempt";
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(TokenAttemptObservationContext context) {
    return ClientKeys.of(context.call(), context.status(), context.getError());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(TokenAttemptObservationContext context) {
    return KeyValues.of("attempt", Integer.toString(context.request().attempt()));
  }
}
