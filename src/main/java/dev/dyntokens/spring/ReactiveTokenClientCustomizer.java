package dev.dyntokens.spring;

import dev.dyntokens.ReactiveTokenClient;

/**
 * Adjusts the builder of the auto-configured {@link ReactiveTokenClient} after the {@code
 * dynamic.tokens.*} properties were applied, for what properties cannot say (an {@code
 * apiTokenProvider}, {@code contextHeaders}, an {@code ObjectMapper}). Every bean of this type is
 * applied, in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface ReactiveTokenClientCustomizer {
  void customize(ReactiveTokenClient.Builder builder);
}
