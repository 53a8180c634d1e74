package dev.dyntokens.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The default convention of a call's observation: name {@value #NAME}, contextual name {@code
 * dynamic-tokens <operation>}, and the low-cardinality keys {@code method}, {@code uri} (the
 * template), {@code status} (of the last answer; {@code IO_ERROR} or {@code NONE} without one),
 * {@code outcome}, {@code exception}, {@code client.name}, {@code operation} and {@code target}.
 * Extend it to add or change keys.
 */
public class DefaultTokenCallObservationConvention implements TokenCallObservationConvention {
  /** The name of a call's observation. */
  public static final String NAME = "dynamic.tokens.call";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(TokenCallObservationContext context) {
    return "dynamic-tokens " + context.call().operation();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(TokenCallObservationContext context) {
    return ClientKeys.of(context.call(), context.status(), context.getError());
  }
}
